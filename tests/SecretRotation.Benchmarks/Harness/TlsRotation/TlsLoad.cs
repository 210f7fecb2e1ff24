using System.Diagnostics;
using System.Net.Security;

namespace SecretRotation.Benchmarks.Harness.TlsRotation;

/// <summary>
/// Closed-loop HTTPS load on <c>GET /ping</c>: each worker has its own <see cref="HttpClient"/> and sends one request after
/// the other; every 4th request asks to close its connection, so the next one does a new TCP connection and TLS handshake.
/// A failed request is counted and retried after 10 ms (as a client with a short backoff would). Bounded in count and time.
/// </summary>
internal sealed class TlsLoad
{
    private const int MaxRequestsPerWorker = 2_000_000;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    private readonly CancellationTokenSource _stop = new(MaxDuration);
    private readonly Task<Worker>[] _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private TlsLoad(Func<Uri> address, int workers) =>
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(address, _stop.Token))).ToArray();

    /// <param name="address">Read before each request (a restarted host keeps its port, so it is the same).</param>
    public static TlsLoad Start(Func<Uri> address, int workers) => new(address, workers);

    public async Task<TlsLoadResult> StopAsync()
    {
        await _stop.CancelAsync();
        var workers = await Task.WhenAll(_workers);
        var seconds = _clock.Elapsed.TotalSeconds;
        _stop.Dispose();
        var latencies = workers.SelectMany(static w => w.Latencies).ToArray();
        return new TlsLoadResult(
            workers.Sum(static w => w.Requests),
            workers.Sum(static w => w.Failed),
            seconds,
            LatencySummary.From(latencies),
            workers.Sum(static w => w.Handshakes),
            workers.Select(static w => w.FirstFailure).FirstOrDefault(static f => f is not null));
    }

    private static async Task<Worker> RunAsync(Func<Uri> address, CancellationToken stop)
    {
        var worker = new Worker();
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    Interlocked.Increment(ref worker.Handshakes);
                    return TlsCertificates.IsOurs(certificate);
                },
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < MaxRequestsPerWorker && !stop.IsCancellationRequested; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address(), "/ping"));
            request.Headers.ConnectionClose = i % 4 == 3;
            var started = Stopwatch.GetTimestamp();
            string? failure;
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                failure = response.IsSuccessStatusCode && body == "ok" ? null : $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                failure = exception.GetType().Name + ": " + exception.Message;
            }

            worker.Requests++;
            if (failure is null)
            {
                worker.Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                worker.Failed++;
                worker.FirstFailure ??= failure;
                await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            }
        }

        return worker;
    }

    private sealed class Worker
    {
        public int Handshakes;

        public List<double> Latencies { get; } = [];

        public int Requests { get; set; }

        public int Failed { get; set; }

        public string? FirstFailure { get; set; }
    }
}

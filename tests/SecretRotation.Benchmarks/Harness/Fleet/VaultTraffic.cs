using System.Collections.Concurrent;
using System.Net;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// Counts what reaches the vault, per 10 s of the simulation's fake clock: every request the in-memory transport hands to the
/// emulator, with its answer (200, 429, 503...). Sits in front of the emulator's in-memory handler; thread-safe.
/// </summary>
internal sealed class VaultTraffic : DelegatingHandler
{
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;
    private readonly ConcurrentDictionary<long, int[]> _buckets = new();

    public VaultTraffic(TimeProvider clock, HttpMessageHandler inner)
        : base(inner)
    {
        _clock = clock;
        _start = clock.GetUtcNow();
    }

    /// <summary>Requests (authenticated or not), throttled (429), failed (5xx), GETs of one secret, List pages.</summary>
    public readonly record struct Window(int Requests, int Throttled, int Failed, int Gets, int Lists);

    /// <summary>The 10 s buckets of <c>[from, to)</c> seconds since the start, in order.</summary>
    public IReadOnlyList<Window> Between(TimeSpan from, TimeSpan to)
    {
        var result = new List<Window>();
        for (var bucket = (long)(from.TotalSeconds / 10); bucket < (long)Math.Ceiling(to.TotalSeconds / 10); bucket++)
        {
            result.Add(_buckets.TryGetValue(bucket, out var c) ? new Window(c[0], c[1], c[2], c[3], c[4]) : default);
        }

        return result;
    }

    public TimeSpan Elapsed => _clock.GetUtcNow() - _start;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bucket = (long)((_clock.GetUtcNow() - _start).TotalSeconds / 10);
        var response = await base.SendAsync(request, cancellationToken);
        var counts = _buckets.GetOrAdd(bucket, _ => new int[5]);
        var path = request.RequestUri!.AbsolutePath.TrimEnd('/');
        Interlocked.Increment(ref counts[0]);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref counts[1]);
        }
        else if ((int)response.StatusCode >= 500)
        {
            Interlocked.Increment(ref counts[2]);
        }

        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            Interlocked.Increment(ref counts[path == "/secrets" ? 4 : 3]);
        }

        return response;
    }
}

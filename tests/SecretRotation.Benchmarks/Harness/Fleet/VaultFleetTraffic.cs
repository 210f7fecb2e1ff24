using System.Collections.Concurrent;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// Counts what reaches the Vault emulator, per 10 s of the simulation's fake clock and per kind of request (KV metadata and
/// data reads, mount probes, logins, token and lease renewals, dynamic credentials), with the answers that were errors.
/// Sits in front of the emulator's in-memory handler; thread-safe.
/// </summary>
internal sealed class VaultFleetTraffic : DelegatingHandler
{
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;
    private readonly ConcurrentDictionary<long, int[]> _buckets = new();

    public VaultFleetTraffic(TimeProvider clock, HttpMessageHandler inner)
        : base(inner)
    {
        _clock = clock;
        _start = clock.GetUtcNow();
    }

    public TimeSpan Elapsed => _clock.GetUtcNow() - _start;

    /// <summary>The 10 s buckets of <c>[from, to)</c> seconds since the start, summed per kind, with the busiest 10 s.</summary>
    public VaultFleetCounts Between(double from, double to)
    {
        var sum = new int[VaultFleetCounts.Kinds];
        var peak = 0;
        var peaks = new int[VaultFleetCounts.Kinds];
        for (var bucket = (long)(from / 10); bucket < (long)Math.Ceiling(to / 10); bucket++)
        {
            if (_buckets.TryGetValue(bucket, out var counts))
            {
                var total = 0;
                for (var kind = 0; kind < VaultFleetCounts.Kinds; kind++)
                {
                    var count = Volatile.Read(ref counts[kind]);
                    sum[kind] += count;
                    peaks[kind] = Math.Max(peaks[kind], count);
                    total += kind == (int)VaultFleetKind.Errors ? 0 : count;
                }

                peak = Math.Max(peak, total);
            }
        }

        return new VaultFleetCounts(sum, peak, peaks, to - from);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bucket = (long)((_clock.GetUtcNow() - _start).TotalSeconds / 10);
        var response = await base.SendAsync(request, cancellationToken);
        var counts = _buckets.GetOrAdd(bucket, _ => new int[VaultFleetCounts.Kinds]);
        Interlocked.Increment(ref counts[(int)Classify(request.Method, request.RequestUri!.AbsolutePath)]);
        if ((int)response.StatusCode >= 400)
        {
            Interlocked.Increment(ref counts[(int)VaultFleetKind.Errors]);
        }

        return response;
    }

    private static VaultFleetKind Classify(HttpMethod method, string absolutePath)
    {
        var path = absolutePath.StartsWith("/v1/", StringComparison.Ordinal) ? absolutePath[4..] : absolutePath;
        return path switch
        {
            _ when path.StartsWith("secret/metadata/", StringComparison.Ordinal) => VaultFleetKind.KvMetadata,
            _ when path.StartsWith("secret/data/", StringComparison.Ordinal) => VaultFleetKind.KvData,
            _ when path.StartsWith("sys/internal/ui/mounts/", StringComparison.Ordinal) => VaultFleetKind.MountProbe,
            _ when path.StartsWith("auth/kubernetes/login", StringComparison.Ordinal) => VaultFleetKind.Login,
            "auth/token/renew-self" => VaultFleetKind.TokenRenew,
            "auth/token/lookup-self" => VaultFleetKind.TokenLookup,
            _ when path.StartsWith("sys/leases/renew", StringComparison.Ordinal) || path.StartsWith("sys/renew", StringComparison.Ordinal) => VaultFleetKind.LeaseRenew,
            _ when path.StartsWith("database/creds/", StringComparison.Ordinal) && method == HttpMethod.Get => VaultFleetKind.Credentials,
            _ => VaultFleetKind.Other,
        };
    }
}

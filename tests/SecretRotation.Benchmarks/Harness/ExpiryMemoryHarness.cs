using Microsoft.Extensions.Configuration;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Reloads a source of 20 secrets inside the expiry warning window many times, each time with new versions, and compares
/// the managed heap before and after: what the engine remembers about warned secrets must not grow with the number of
/// versions it has seen. Target: flat within 1 MB.
/// </summary>
internal static class ExpiryMemoryHarness
{
    public const int DefaultReloads = 10_000;

    private const int KeyCount = 20;
    private const int WarmUpReloads = 100;
    private const long TargetGrowthBytes = 1024 * 1024;

    /// <summary>Runs <paramref name="reloads"/> reloads and prints the heap figures. Returns 0 when growth is within 1 MB, else 1.</summary>
    public static async Task<int> RunAsync(int reloads, TextWriter output)
    {
        var source = new NearExpirySource(KeyCount, TimeProvider.System);
        var configuration = new ConfigurationBuilder()
            .Add(new NearExpiryConfigurationSource(source) { PollInterval = null })
            .Build();
        using var configurationLifetime = configuration as IDisposable;
        var refresher = configuration.GetSecretRefreshers().Single();

        // JIT, first-use caches and the data dictionary's steady size are not what is measured.
        for (var i = 0; i < WarmUpReloads; i++)
        {
            await refresher.RefreshAsync();
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < reloads; i++)
        {
            await refresher.RefreshAsync();
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var growth = after - before;
        var status = refresher.Status;
        output.WriteLine($"expiry-memory: {reloads:N0} reloads of {KeyCount} secrets expiring within a day (expiry warning window 30 days), a new version of each every reload");
        output.WriteLine($"  keys near expiry after the run: {status.KeysNearExpiry.Count}, consecutive failures: {status.ConsecutiveFailures}");
        output.WriteLine($"  managed heap (GC.GetTotalMemory(true)) before: {before:N0} bytes, after: {after:N0} bytes");
        output.WriteLine($"  growth: {growth:N0} bytes ({growth / (1024.0 * 1024.0):0.00} MiB; target within 1 MiB) -> {(Math.Abs(growth) <= TargetGrowthBytes ? "PASS" : "FAIL")}");
        GC.KeepAlive(configuration);
        return Math.Abs(growth) <= TargetGrowthBytes && status.ConsecutiveFailures == 0 ? 0 : 1;
    }
}

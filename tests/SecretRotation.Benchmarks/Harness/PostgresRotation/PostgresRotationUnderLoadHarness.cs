using System.Diagnostics;
using System.Globalization;
using SecretRotation.ZeroDowntime.Tests.Postgres;
using SecretRotation.ZeroDowntime.Tests.Postgres.Patterns;

namespace SecretRotation.Benchmarks.Harness.PostgresRotation;

/// <summary>
/// <c>rotation-under-load-postgres</c>: the PostgreSQL scenarios of issue 11 as figures. A real cluster (initdb in a temp
/// directory), 8 workers querying a rotating <c>NpgsqlDataSource</c> (the recipe of docs/zero-downtime.md); for each
/// pattern (volume, two users A/B through Key Vault, Vault dynamic credentials) a steady phase and N rotations back to back
/// (each: rotate, the app switches and drains, the old credential is revoked); then the restart baseline (each rotation
/// picked up by stopping the app and starting a new one). Targets: 0 failed queries during rotations, p99 during rotations
/// at most 2x the steady p99, no query on a session of a revoked credential.
/// </summary>
internal static class PostgresRotationUnderLoadHarness
{
    public const int DefaultRotations = 100;
    public const int DefaultRestarts = 20;
    public const int DefaultSeconds = 10;

    public static async Task<int> RunAsync(int rotations, int restarts, int seconds, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var token = limit.Token;
        await using var server = await PostgresServer.StartAsync(token);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        output.WriteLine($"rotation-under-load-postgres: {server.Version} on 127.0.0.1:{server.Port} (initdb in a temp directory, fsync off, SCRAM),"
            + $" {RotationScenario.Workers} workers, each: lease the rotating NpgsqlDataSource, open a pooled connection, one query; latency = lease -> result.");
        output.WriteLine($"   machine: {Environment.ProcessorCount} cores, load average at start (1/5/15 min): {load}");
        output.WriteLine();
        output.WriteLine("| Pattern | phase | duration | queries | failed | throughput | p50 | p95 | p99 | max |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");

        var met = true;
        var notes = new List<string>();
        Func<Task<IRotationPattern>>[] patterns =
        [
            async () => await VolumePattern.StartAsync(server, "bench_volume", token),
            async () => await DualUserPattern.StartAsync(server, "bench_a", "bench_b", token),
            async () => await VaultDynamicPattern.StartAsync(server, token),
        ];
        foreach (var start in patterns)
        {
            await using var pattern = await start();
            await Task.Delay(TimeSpan.FromSeconds(3), token);   // warm-up (JIT tiering, pools), discarded
            var steadyFrom = await ServerNowAsync(server, token);
            await Task.Delay(TimeSpan.FromSeconds(seconds), token);
            var rotatingFrom = await ServerNowAsync(server, token);
            var rotationMs = new List<double>();
            for (var i = 1; i <= rotations; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await pattern.RotateAsync(i, token);
                rotationMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var rotatingTo = await ServerNowAsync(server, token);
            var run = await pattern.Scenario.StopAsync();
            var steady = PostgresPhase.Of(run, steadyFrom, rotatingFrom);
            var rotating = PostgresPhase.Of(run, rotatingFrom, rotatingTo);
            var violations = run.QueriesAfterRevocation().Count();
            Row(output, pattern.Name, "steady (no rotation)", steady);
            Row(output, pattern.Name, $"{rotations} rotations", rotating);
            var ratio = steady.Latency is null || rotating.Latency is null ? double.NaN : rotating.Latency.P99 / steady.Latency.P99;
            var ok = rotating.Failed == 0 && violations == 0 && ratio <= 2;
            met &= ok;
            var perRotation = LatencySummary.From(rotationMs);
            notes.Add($"   {pattern.Name}: one rotation (rotate -> every worker on the new data source -> old sessions gone -> revoked) p50 {Ms(perRotation?.P50)} ms,"
                + $" max {Ms(perRotation?.Max)} ms; {run.Revocations.Count} revocations, queries on a revoked credential's session after its revocation: {violations};"
                + $" failed {rotating.Failed}{(rotating.FirstFailure is null ? "" : $" (first: {rotating.FirstFailure})")}, p99 {ratio.ToString("0.00", CultureInfo.InvariantCulture)}x steady -> {(ok ? "PASS" : "FAIL")}");
        }

        var (restarting, downtimes) = await PostgresRestartBaseline.RunAsync(server, restarts, RotationScenario.Workers, TimeSpan.FromSeconds(seconds), token);
        Row(output, "restart baseline (volume)", $"{restarts} app restarts", restarting);
        output.WriteLine();
        foreach (var note in notes)
        {
            output.WriteLine(note);
        }

        var down = LatencySummary.From(downtimes);
        output.WriteLine($"   restart baseline downtime per restart (stop begins -> new app's data source warm): mean {Ms(downtimes.Count == 0 ? null : downtimes.Average())} ms,"
            + $" p50 {Ms(down?.P50)} ms, max {Ms(down?.Max)} ms, total {Ms(downtimes.Sum())} ms over {restarts} restarts; {restarting.Failed} failed queries"
            + (restarting.FirstFailure is null ? "" : $" (first: {restarting.FirstFailure})"));
        output.WriteLine($"   target: 0 failed queries during rotations, p99 during rotations <= 2x steady, no query after revocation -> {(met ? "PASS" : "FAIL")}");
        output.WriteLine($"rotation-under-load-postgres: done in {clock.Elapsed.TotalSeconds:0.0} s");
        return met ? 0 : 1;
    }

    private static async Task<DateTime> ServerNowAsync(PostgresServer server, CancellationToken cancellationToken) =>
        await server.ScalarAsync<DateTime>("select clock_timestamp()", cancellationToken);

    private static void Row(TextWriter output, string pattern, string phase, PostgresPhase result) =>
        output.WriteLine($"| {pattern} | {phase} | {result.Seconds:0.0} s | {result.Queries:#,0} | {result.Failed:#,0} | {result.Throughput:#,0} q/s |"
            + $" {Ms(result.Latency?.P50)} ms | {Ms(result.Latency?.P95)} ms | {Ms(result.Latency?.P99)} ms | {Ms(result.Latency?.Max)} ms |");

    private static string Ms(double? value) => value is null ? "-" : value.Value.ToString(value.Value < 10 ? "0.00" : "#,0", CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness.TlsRotation;

/// <summary>
/// <c>rotation-under-load</c>, Kestrel TLS scenario: the same closed-loop HTTPS load (<see cref="TlsLoad"/>) in a steady
/// phase, while the server certificate rotates through the Key Vault emulator (<c>UseRotatingCertificate</c>, noticed by a
/// targeted refresh as push does), and while the old strategy rotates it by stopping the host and starting a new one on the
/// same port. Targets: 0 failed requests during the rotations and their p99 at most 2x the steady p99.
/// </summary>
internal static class TlsRotationUnderLoadHarness
{
    public const int DefaultRotations = 100;
    public const int DefaultRestarts = 20;
    public const int DefaultWorkers = 8;
    public const int DefaultSeconds = 10;

    public static async Task<int> RunAsync(int rotations, int restarts, int workers, int seconds, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        output.WriteLine($"rotation-under-load (Kestrel TLS): Kestrel on https://127.0.0.1 serving the Key Vault certificate secret {TlsHost.SecretName}"
            + " (AddAzureKeyVaultSecrets over KeyVaultEmulator, real SecretClient; PEM and PFX alternate; ECDSA P-256 certificates).");
        output.WriteLine($"   load: {workers} closed-loop workers, each its own HttpClient, GET /ping; every 4th request closes its connection (new TCP + TLS handshake next);"
            + " a failed request is counted and retried after 10 ms. Latency = request sent -> body read, successful requests only.");

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        output.WriteLine($"   machine: {Environment.ProcessorCount} cores, load average at start (1/5/15 min): {load}");
        await using var vault = await KeyVaultEmulator.StartAsync();
        var first = TlsCertificates.NewSecret(0);
        vault.SetSecret(TlsHost.SecretName, first.Value, first.ContentType);

        // Ours: one host for the steady phase and the rotations.
        TlsLoadResult steady, rotating;
        var probeMismatches = 0;
        var noticeMs = new List<double>();
        await using (var host = await TlsHost.StartAsync(vault, 0, rotating: true))
        {
            await RunLoadAsync(() => host.Address, workers, TimeSpan.FromSeconds(5), static () => Task.CompletedTask); // warm-up (JIT tiering), discarded
            steady = await RunLoadAsync(() => host.Address, workers, TimeSpan.Zero, () => Task.Delay(TimeSpan.FromSeconds(seconds)));
            var interval = TimeSpan.FromSeconds(seconds) / rotations;
            rotating = await RunLoadAsync(() => host.Address, workers, TimeSpan.Zero, async () =>
            {
                for (var i = 1; i <= rotations; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var next = TlsCertificates.NewSecret(i);
                    var version = vault.SetSecret(TlsHost.SecretName, next.Value, next.ContentType);
                    var noticed = Stopwatch.GetTimestamp();
                    await host.NoticeAsync(version);
                    noticeMs.Add(Stopwatch.GetElapsedTime(noticed).TotalMilliseconds);
                    if (host.Certificate.Current?.Thumbprint != next.Thumbprint
                        || await TlsHost.HandshakeThumbprintAsync(host.Address.Port) != next.Thumbprint)
                    {
                        probeMismatches++;
                    }

                    var left = interval - Stopwatch.GetElapsedTime(started);
                    if (left > TimeSpan.Zero)
                    {
                        await Task.Delay(left);
                    }
                }
            });
        }

        // The restart baseline: same load, each rotation = stop the host, start a new one on the same port (it reads the new
        // certificate at start).
        var downtimes = new List<double>();
        TlsLoadResult restarting;
        var restartHost = await TlsHost.StartAsync(vault, 0, rotating: false);
        var port = restartHost.Address.Port;
        var address = restartHost.Address;
        try
        {
            await RunLoadAsync(() => address, workers, TimeSpan.FromSeconds(1), static () => Task.CompletedTask);
            var interval = TimeSpan.FromSeconds(seconds) / restarts;
            restarting = await RunLoadAsync(() => address, workers, TimeSpan.Zero, async () =>
            {
                for (var i = 1; i <= restarts; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var next = TlsCertificates.NewSecret(rotations + i);
                    vault.SetSecret(TlsHost.SecretName, next.Value, next.ContentType);
                    await restartHost.DisposeAsync();
                    restartHost = await TlsHost.StartAsync(vault, port, rotating: false);
                    if (await TlsHost.HandshakeThumbprintAsync(port) != next.Thumbprint)
                    {
                        probeMismatches++;
                    }

                    downtimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    var left = interval - Stopwatch.GetElapsedTime(started);
                    if (left > TimeSpan.Zero)
                    {
                        await Task.Delay(left);
                    }
                }
            });
        }
        finally
        {
            await restartHost.DisposeAsync();
        }

        output.WriteLine();
        output.WriteLine("| Phase | duration | requests | failed | throughput | p50 | p95 | p99 | max | TLS handshakes |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Row(output, "steady (no rotation)", steady);
        Row(output, $"{rotations} rotations via Key Vault + UseHttpsWithRotatingCertificate", rotating);
        Row(output, $"restart baseline: {restarts} host restarts", restarting);
        output.WriteLine();
        var notice = LatencySummary.From(noticeMs);
        output.WriteLine($"   rotation: Key Vault write -> targeted refresh done (certificate swapped): p50 {Ms(notice?.P50)} ms, p99 {Ms(notice?.P99)} ms;"
            + $" probe handshakes after each rotation/restart presenting an older certificate: {probeMismatches}");
        var down = LatencySummary.From(downtimes);
        output.WriteLine($"   restart baseline downtime per restart (stop begins -> new host presents the new certificate): mean {Ms(downtimes.Count == 0 ? null : downtimes.Average())} ms,"
            + $" p50 {Ms(down?.P50)} ms, max {Ms(down?.Max)} ms, total {Ms(downtimes.Sum())} ms over {restarts} restarts; {restarting.Failed} failed requests"
            + (restarting.FirstFailure is null ? "" : $" (first: {restarting.FirstFailure})"));
        if (rotating.FirstFailure is not null)
        {
            output.WriteLine($"   first failure during rotations: {rotating.FirstFailure}");
        }

        var ratio = steady.Latency is null || rotating.Latency is null ? double.NaN : rotating.Latency.P99 / steady.Latency.P99;
        var met = rotating.Failed == 0 && probeMismatches == 0 && ratio <= 2;
        output.WriteLine($"   target: 0 failed during rotations ({rotating.Failed}), p99 during rotations <= 2x steady ({ratio.ToString("0.00", CultureInfo.InvariantCulture)}x),"
            + $" every probe saw the new certificate ({probeMismatches} did not) -> {(met ? "PASS" : "FAIL")}");
        output.WriteLine($"rotation-under-load (Kestrel TLS): done in {clock.Elapsed.TotalSeconds:0.0} s");
        return met ? 0 : 1;
    }

    private static async Task<TlsLoadResult> RunLoadAsync(Func<Uri> address, int workers, TimeSpan duration, Func<Task> during)
    {
        var load = TlsLoad.Start(address, workers);
        await during();
        if (duration > TimeSpan.Zero)
        {
            await Task.Delay(duration);
        }

        return await load.StopAsync();
    }

    private static void Row(TextWriter output, string phase, TlsLoadResult result) =>
        output.WriteLine($"| {phase} | {result.Seconds:0.0} s | {result.Requests:#,0} | {result.Failed:#,0} | {result.Throughput:#,0} req/s |"
            + $" {Ms(result.Latency?.P50)} ms | {Ms(result.Latency?.P95)} ms | {Ms(result.Latency?.P99)} ms | {Ms(result.Latency?.Max)} ms | {result.Handshakes:#,0} |");

    private static string Ms(double? value) => value is null ? "-" : value.Value.ToString(value.Value < 10 ? "0.00" : "#,0", CultureInfo.InvariantCulture);
}

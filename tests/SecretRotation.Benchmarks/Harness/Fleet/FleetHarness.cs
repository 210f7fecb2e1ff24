using System.Diagnostics;
using System.Globalization;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// <c>fleet</c>: N replicas on one Key Vault that enforces the published limit (4,000 transactions per 10 s per vault → 429
/// with Retry-After), in one process on a fake clock, through the real SecretClient over an in-memory transport. Scenarios:
/// rollout in waves of 25 % (maxSurge 25 %), steady state at the default poll and with push healthy, one rotation pushed to
/// every replica at once, a 60 s outage with a rotation pushed during it. Each with the library's defaults (no fleet hint)
/// and with <c>ExpectedReplicas = N</c>, next to the official provider computed from its fixed interval.
/// </summary>
internal static class FleetHarness
{
    public const int Secrets = 10;

    private const int Limit = KeyVaultEmulatorOptions.PublishedTransactionLimit;

    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<int> sizes, bool hintedOnly = false, bool defaultSizes = false)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        // Build() reads synchronously: every replica starting at once holds a pool thread while it waits on the fake clock.
        ThreadPool.SetMinThreads(Math.Max(workers, (sizes.Max() / 4) + 64), io);
        output.WriteLine($"fleet: N replicas, each its own IConfigurationRoot + AddAzureKeyVaultSecrets (whole vault, {Secrets} secrets = 1 List page),"
            + " its own SecretClient (Azure.Security.KeyVault.Secrets 4.12.0; Azure.Core's default retry policy: 3 retries, exponential from 0.8 s,"
            + " honouring Retry-After, computed by Azure.Core's DelayStrategy but waiting on the fake clock) over one in-memory transport"
            + " (HttpClientTransport over KeyVaultEmulator.CreateInMemoryHandler: no sockets), one manual clock for everything (SimulationClock: FakeTimeProvider's contract, timers in a priority queue),"
            + $" KeyVaultEmulator with TransactionLimit = {Limit:#,0} per 10 s (sliding window; 429 + Retry-After; 429s do not count)."
            + " Counts are every request that reached the vault, SDK retries included. Official provider (Azure.Extensions.AspNetCore.Configuration.Secrets,"
            + " ReloadInterval 5 min, no jitter, list + get changed, no push) computed from its fixed interval, replicas started together.");
        output.WriteLine();
        var allMet = true;
        foreach (var n in sizes)
        {
            // Without a size given, the 10,000-replica fleet runs with its hint only (without one it is a 429 storm that
            // takes minutes to simulate; `--replicas 10000` shows it).
            foreach (var hint in hintedOnly || (defaultSizes && n > 1_000) ? new int?[] { n } : [null, n])
            {
                var watch = Stopwatch.StartNew();
                var result = await RunFleetAsync(n, hint);
                watch.Stop();
                Print(output, n, hint, result, watch.Elapsed);
                if (hint is not null)
                {
                    allMet &= Goals(output, n, result);
                }

                output.WriteLine();
            }
        }

        PrintOfficial(output, sizes);
        output.WriteLine();
        allMet &= await PushAwarePodAsync(output);
        return allMet ? 0 : 1;
    }

    private static async Task<FleetResult> RunFleetAsync(int n, int? hint)
    {
        await using var sim = await FleetSimulation.StartAsync(Secrets, hint, seed: n + (hint is null ? 0 : 1));
        var result = new FleetResult();

        // Rollout from zero in waves of 25 % (maxSurge 25 %): a wave's pods start within 10 s, the next wave when all are ready.
        var wave = (n + 3) / 4;
        var rolloutStart = sim.Now;
        for (var first = 0; first < n; first += wave)
        {
            var random = new Random(first);
            var start = sim.Now;
            var members = Enumerable.Range(first, Math.Min(wave, n - first)).Select(_ => sim.AddReplica(start + (random.NextDouble() * 10))).ToList();
            await sim.RunAsync(TimeSpan.FromSeconds(0.5), 1800, () => members.All(m => m.IsReady));
        }

        result.Rollout = Summarize(sim, rolloutStart, sim.Now);
        result.RolloutSeconds = sim.Now - rolloutStart;
        result.FailedStarts = sim.Replicas.Sum(r => r.FailedStarts);

        // Steady state at the default poll: 10 minutes after the rollout, from its second 10 s window (the first still holds
        // the last pods' start-up reads).
        await sim.AlignToWindowAsync();
        await sim.RunAsync(TimeSpan.FromSeconds(1), 10);
        var steadyStart = sim.Now;
        await sim.RunAsync(TimeSpan.FromSeconds(1), 600);
        result.Steady = Summarize(sim, steadyStart, sim.Now);

        // One rotation pushed to every replica at the same instant (Service Bus fan-out).
        result.Push = await PushAsync(sim, "pushed", outage: false);

        // The vault down 60 s (503 to everything), a rotation pushed at its start, then back.
        result.Outage = await PushAsync(sim, "during-outage", outage: true);

        // Steady state with push healthy (the receiver's heartbeat every 5 min): one hour.
        foreach (var replica in sim.Replicas)
        {
            replica.Provider!.ReportPushHealth(true);
        }

        sim.EveryoneMayBeBusy();
        var pushAwareStart = sim.Now;
        for (var i = 0; i < 12; i++)
        {
            await sim.RunAsync(TimeSpan.FromSeconds(1), 300);
            foreach (var replica in sim.Replicas)
            {
                replica.Provider!.ReportPushHealth(true);
            }

            sim.EveryoneMayBeBusy();
        }

        result.PushAware = Summarize(sim, pushAwareStart, sim.Now);
        return result;
    }

    /// <summary>One pod, 100 secrets (4 List pages), push healthy (heartbeat every 5 min), a rotation pushed every 15 min, two hours.</summary>
    private static async Task<bool> PushAwarePodAsync(TextWriter output)
    {
        const int secrets = 100;
        await using var sim = await FleetSimulation.StartAsync(secrets, expectedReplicas: null, seed: 7);
        var pod = sim.AddReplica(0);
        await sim.RunAsync(TimeSpan.FromSeconds(1), 10, () => pod.IsReady);
        var staleness = new List<double>();
        double measuredFrom = 0;
        for (var quarter = 0; quarter < 8; quarter++)
        {
            if (quarter == 4)
            {
                measuredFrom = Math.Ceiling(sim.Now / 10) * 10;
            }

            pod.Provider!.ReportPushHealth(true);
            sim.EveryoneMayBeBusy();
            var value = $"rotated-{quarter}";
            var version = sim.Vault.SetSecret(FleetSimulation.TrackedSecret, value);
            var pushedAt = sim.Now;
            pod.FreshAt = null;
            _ = pod.Provider.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, sim.Vault.VaultUri.Authority, FleetSimulation.TrackedSecret, version));
            sim.EveryoneMayBeBusy();
            await sim.RunAsync(TimeSpan.FromMilliseconds(10), 60, () => pod.FreshAt is not null, () => sim.TrackFreshness(value));
            staleness.Add((pod.FreshAt ?? double.PositiveInfinity) - pushedAt);
            for (var beat = 0; beat < 3; beat++)
            {
                await sim.RunAsync(TimeSpan.FromSeconds(1), 300 - (beat == 0 ? sim.Now - pushedAt : 0));
                pod.Provider.ReportPushHealth(true);
                sim.EveryoneMayBeBusy();
            }
        }

        var hour = Summarize(sim, measuredFrom, measuredFrom + 3600);
        var sorted = staleness.Order().ToArray();
        var p95 = Percentile(sorted, 0.95);
        var met = hour.Requests <= 10 && p95 <= 1;
        output.WriteLine(F($"push-aware polling, one pod, {secrets} secrets (4 List pages a poll), push healthy (receiver heartbeat every 5 min), one rotation pushed every 15 min:"));
        output.WriteLine(F($"   second hour: {hour.Requests} Key Vault requests ({hour.Lists} List pages, {hour.Gets} GETs); staleness over {sorted.Length} pushes p50 {Percentile(sorted, 0.5) * 1000:0} ms, p95 {p95 * 1000:0} ms (fake clock in 10 ms steps: the engine's scheduling, not network time)"));
        output.WriteLine(F($"   official provider at a 1 s poll: 3,600 polls x 4 pages = 14,400 requests per hour, staleness up to 1 s; at its 5 min poll: 48 + 4 GETs per hour, staleness up to 300 s"));
        output.WriteLine(F($"   target: <= 10 requests per pod-hour and p95 staleness <= 1 s: {hour.Requests}, {p95 * 1000:0} ms -> {Pass(met)}"));
        return met;
    }

    private static async Task<PushResult> PushAsync(FleetSimulation sim, string value, bool outage)
    {
        // Start on a 10 s boundary, so the first window of the phase is counted whole.
        await sim.AlignToWindowAsync();
        var start = sim.Now;
        if (outage)
        {
            sim.Vault.InjectFault(new KeyVaultFault { StatusCode = 503 });
        }

        var version = sim.Vault.SetSecret(FleetSimulation.TrackedSecret, value);
        var notice = new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, sim.Vault.VaultUri.Authority, FleetSimulation.TrackedSecret, version);
        foreach (var replica in sim.Replicas)
        {
            replica.FreshAt = null;
            _ = replica.Provider!.RefreshAsync(notice).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }

        sim.EveryoneMayBeBusy();

        var recoveredAt = start;
        if (outage)
        {
            await sim.RunAsync(TimeSpan.FromSeconds(0.5), 60, eachStep: () => sim.TrackFreshness(value));
            sim.Vault.ClearFaults();
            recoveredAt = sim.Now;
        }

        await sim.RunAsync(TimeSpan.FromSeconds(0.1), 900, () => sim.Replicas.All(r => r.FreshAt is not null), () => sim.TrackFreshness(value));
        var end = sim.Now;

        // Let retries and notices still in flight land, so their requests are counted.
        await sim.RunAsync(TimeSpan.FromSeconds(1), 30);
        var staleness = sim.Replicas.Select(r => (r.FreshAt ?? double.PositiveInfinity) - recoveredAt).Order().ToArray();
        return new PushResult
        {
            Traffic = Summarize(sim, recoveredAt, sim.Now),
            FirstWindows = sim.Traffic.Between(TimeSpan.FromSeconds(recoveredAt), TimeSpan.FromSeconds(Math.Min(sim.Now, recoveredAt + 120))),
            Stale = staleness.Count(double.IsPositiveInfinity),
            P50 = Percentile(staleness, 0.50),
            P99 = Percentile(staleness, 0.99),
            Max = staleness[^1],
            FleetFresh = end - recoveredAt,
        };
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static TrafficSummary Summarize(FleetSimulation sim, double from, double to)
    {
        // Whole 10 s windows inside [from, to): a phase that starts mid-window does not count the phase before it.
        from = Math.Ceiling((from / 10) - 1e-9) * 10;
        var windows = sim.Traffic.Between(TimeSpan.FromSeconds(from), TimeSpan.FromSeconds(to));
        var accepted = windows.Select(w => w.Requests - w.Throttled).ToArray();
        return new TrafficSummary(
            windows.Sum(w => w.Requests),
            windows.Sum(w => w.Throttled),
            windows.Sum(w => w.Gets),
            windows.Sum(w => w.Lists),
            windows.Count == 0 ? 0 : windows.Max(w => w.Requests),
            accepted.Length == 0 ? 0 : accepted.Average(),
            to - from);
    }

    private static void Print(TextWriter output, int n, int? hint, FleetResult r, TimeSpan wall)
    {
        var label = hint is null ? "library defaults (no fleet hint)" : $"ExpectedReplicas = {hint:#,0} (FleetSpread {hint / (double)AzureKeyVaultSecretsSource.FleetReadsPerSecond:0.0} s)";
        output.WriteLine(F($"N = {n:#,0}, {label}; simulated {r.Rollout.Seconds + r.Steady.Seconds + r.Push.Traffic.Seconds + r.Outage.Traffic.Seconds + r.PushAware.Seconds:#,0} s in {wall.TotalSeconds:0} s wall"));
        output.WriteLine("| scenario | requests | 429s | peak requests per 10 s (% of limit) | mean accepted per 10 s (% of limit) | staleness p50 / p99 / max | other |");
        output.WriteLine("|---|---:|---:|---:|---:|---|---|");
        Row(output, "rollout, waves of 25 %", r.Rollout, "", F($"{r.RolloutSeconds:0} s; failed start-ups {r.FailedStarts}"));
        Row(output, "steady, 5 min poll ±10 %", r.Steady, "", F($"{r.Steady.Requests * 3600.0 / r.Steady.Seconds / n:0.0} requests per pod-hour"));
        Row(output, "steady, push healthy (1 h poll)", r.PushAware, "", F($"{r.PushAware.Requests * 3600.0 / r.PushAware.Seconds / n:0.0} requests per pod-hour"));
        Row(output, "one rotation pushed to all", r.Push.Traffic, Staleness(r.Push), F($"{r.Push.Traffic.Gets:#,0} GETs; fleet fresh after {r.Push.FleetFresh:0.0} s"));
        Row(output, "outage 60 s, then recovery", r.Outage.Traffic, Staleness(r.Outage), F($"from recovery: fleet fresh after {r.Outage.FleetFresh:0.0} s; never fresh {r.Outage.Stale}"));
        output.WriteLine();
        Windows(output, "one rotation pushed to all, from the push", r.Push);
        Windows(output, "outage, from the recovery", r.Outage);
    }

    private static void Windows(TextWriter output, string label, PushResult p) =>
        output.WriteLine(F($"{label}, requests per 10 s (List pages + GETs; 429s): ") + string.Join(", ", p.FirstWindows.Select(w => F($"{w.Requests:#,0} ({w.Lists:#,0} + {w.Gets:#,0}; {w.Throttled:#,0})"))));

    private static string Staleness(PushResult p) => F($"{p.P50:0.0} / {p.P99:0.0} / {p.Max:0.0} s");

    private static void Row(TextWriter output, string scenario, TrafficSummary t, string staleness, string other) =>
        output.WriteLine(F($"| {scenario} | {t.Requests:#,0} | {t.Throttled:#,0} | {t.PeakPer10s:#,0} ({100.0 * t.PeakPer10s / Limit:0} %) | {t.MeanAcceptedPer10s:#,0} ({100.0 * t.MeanAcceptedPer10s / Limit:0.0} %) | {staleness} | {other} |"));

    private static bool Goals(TextWriter output, int n, FleetResult r)
    {
        var pushMet = r.Push.Traffic.Throttled == 0 && r.Push.P99 <= 30;
        var steadyMet = r.Steady.PeakPer10s <= Limit / 2 && r.PushAware.PeakPer10s <= Limit / 2;
        var recoveryMet = r.Outage.Traffic.Throttled == 0 && r.Outage.Traffic.PeakPer10s <= Limit;
        output.WriteLine(F($"   goal: one pushed rotation -> 0 x 429 and p99 staleness <= 30 s: {r.Push.Traffic.Throttled} x 429, p99 {r.Push.P99:0.0} s -> {Pass(pushMet)}"));
        output.WriteLine(F($"   goal: steady state <= 50 % of the limit (peak 10 s): {100.0 * r.Steady.PeakPer10s / Limit:0} % / push healthy {100.0 * r.PushAware.PeakPer10s / Limit:0} % -> {Pass(steadyMet)}"));
        output.WriteLine(F($"   goal: recovery within the limit (no 429, peak <= {Limit:#,0}): {r.Outage.Traffic.Throttled} x 429, peak {r.Outage.Traffic.PeakPer10s:#,0} -> {Pass(recoveryMet)}"));
        return pushMet && steadyMet && recoveryMet;
    }

    private static void PrintOfficial(TextWriter output, IReadOnlyList<int> sizes)
    {
        output.WriteLine("Official provider, computed (ReloadInterval 5 min, no jitter, replicas started together so they poll together; no push):");
        output.WriteLine("| N | steady: requests per 10 s peak (% of limit) | mean per 10 s | rotation: staleness p50 / p99 / max | rotation: requests in the poll's 10 s | rolling restart: start-up requests per wave |");
        output.WriteLine("|---:|---:|---:|---|---:|---:|");
        foreach (var n in sizes)
        {
            // Each poll lists 1 page; the poll after a rotation also GETs the changed secret. Start-up: 1 page + 10 GETs.
            var poll = DefaultPoll.TotalSeconds;
            output.WriteLine(F($"| {n:#,0} | {n:#,0} ({100.0 * n / Limit:0} %) | {n * 10 / poll:#,0} | {poll * 0.5:0} / {poll * 0.99:0} / {poll:0} s | {2 * n:#,0} ({100.0 * 2 * n / Limit:0} %) | {(n + 3) / 4 * (1 + Secrets):#,0} |"));
        }
    }

    private static string Pass(bool met) => met ? "met" : "NOT met";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record TrafficSummary(int Requests, int Throttled, int Gets, int Lists, int PeakPer10s, double MeanAcceptedPer10s, double Seconds);

    private sealed class PushResult
    {
        public required TrafficSummary Traffic { get; init; }

        public int Stale { get; init; }

        /// <summary>The 10 s windows of the first two minutes (from the push, or from the recovery).</summary>
        public IReadOnlyList<VaultTraffic.Window> FirstWindows { get; init; } = [];

        public double P50 { get; init; }

        public double P99 { get; init; }

        public double Max { get; init; }

        public double FleetFresh { get; init; }
    }

    private sealed class FleetResult
    {
        public TrafficSummary Rollout { get; set; } = null!;

        public double RolloutSeconds { get; set; }

        public int FailedStarts { get; set; }

        public TrafficSummary Steady { get; set; } = null!;

        public PushResult Push { get; set; } = null!;

        public PushResult Outage { get; set; } = null!;

        public TrafficSummary PushAware { get; set; } = null!;
    }
}

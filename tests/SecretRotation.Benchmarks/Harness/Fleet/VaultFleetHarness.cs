using System.Diagnostics;
using System.Globalization;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// <c>fleet-vault</c>: N replicas on one Vault (KV v2), in one process on a fake clock, each through the real Vault source
/// (its own VaultClient over the emulator's in-memory handler) at its defaults: 10 KV v2 paths polled through their metadata
/// every 5 min ± 10 %, Kubernetes-auth login with a 1 h token renewed at 60–70 % of its TTL, and one database credential with
/// a 1 h lease renewed at 60–70 %. Scenarios: rollout in waves of 25 %, steady state, the first token and lease renewals, one
/// KV write seen by every replica. Vault Agent per pod (<c>static_secret_render_interval</c> 5 min) computed beside it.
/// </summary>
internal static class VaultFleetHarness
{
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMinutes(5);

    /// <param name="output">Where the tables go.</param>
    /// <param name="sizes">Fleet sizes, one run each.</param>
    /// <param name="renewals">Also run on to 50 min after the rollout began, through the first token and lease renewals
    /// (36-42 min after each login); it triples the simulated time, so a default run leaves it out.</param>
    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<int> sizes, bool renewals = false, bool fleetSpread = false)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        // Build() reads synchronously (Task.Run inside, blocked on): each start-up running holds two pool threads.
        ThreadPool.SetMinThreads(Math.Max(workers, (VaultFleetSimulation.ConcurrentStarts * 2) + 16), io);
        output.WriteLine($"fleet-vault: N replicas, each its own IConfigurationRoot + AddHashiCorpVault at its defaults ({VaultFleetSimulation.Paths} KV v2 paths"
            + " mapped with VaultSecretKind.Auto: one mount probe each at start, then polled through metadata every 5 min ± 10 %, data read only when"
            + " the version moved; UseKubernetesAuth: one login per start, 1 h token renewed (renew-self) at 60-70 % of its TTL; database/creds/app:"
            + " a 1 h lease renewed at 60-70 %), its own VaultClient over one in-memory handler (VaultEmulator.CreateInMemoryHandler: no sockets),"
            + " one fake clock for everything (SimulationClock: FakeTimeProvider's semantics, timers in a priority queue). Counts are every request that reached Vault. Vault Agent per pod computed from its fixed intervals.");
        if (fleetSpread)
        {
            output.WriteLine("With --fleet-spread: every source's FleetSpread = N / 360 s (1,000: 2.8 s; 10,000: 27.8 s), so its first poll falls anywhere in one whole interval.");
        }

        output.WriteLine();
        var results = new List<(int N, VaultFleetResult Result, TimeSpan Wall)>();
        foreach (var n in sizes)
        {
            var watch = Stopwatch.StartNew();
            var result = await RunFleetAsync(n, renewals, fleetSpread ? TimeSpan.FromSeconds(n / 360.0) : TimeSpan.Zero);
            watch.Stop();
            results.Add((n, result, watch.Elapsed));
        }

        PrintMeasured(output, results);
        output.WriteLine();
        PrintAgent(output, sizes);
        return results.All(r => r.Result.FailedStarts == 0 && r.Result.Write.Stale == 0) ? 0 : 1;
    }

    private static async Task<VaultFleetResult> RunFleetAsync(int n, bool renewals, TimeSpan fleetSpread)
    {
        await using var sim = await VaultFleetSimulation.StartAsync(seed: n, fleetSpread);
        var result = new VaultFleetResult();
        var phaseWatch = Stopwatch.StartNew();
        void Phase(string name)
        {
            if (Environment.GetEnvironmentVariable("VAULT_FLEET_PHASES") is not null)
            {
                Console.Error.WriteLine(F($"{n}: {name} done at {sim.Now:0} s simulated, {phaseWatch.Elapsed.TotalSeconds:0.0} s wall, GC pauses {GC.GetTotalPauseDuration().TotalSeconds:0.0} s"));
            }
        }

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

        // Requests made at the instant the last pod became ready still belong to the rollout: it ends at the next 10 s window.
        result.RolloutSeconds = sim.Now - rolloutStart;
        await CloseWindowAsync(sim);
        result.Rollout = sim.Traffic.Between(rolloutStart, sim.Now);
        result.FailedStarts = sim.Replicas.Sum(r => r.FailedStarts);
        Phase("rollout");

        // Steady state: the first 10 minutes after the rollout (two poll rounds, no renewal due yet). At minute 5 one KV write
        // (a new version of secret/app/s00), picked up by each replica at its next metadata poll: the only data reads here.
        var steadyStart = sim.Now;
        await sim.RunAsync(TimeSpan.FromSeconds(5), 300);
        var writtenAt = sim.Now;
        foreach (var replica in sim.Replicas)
        {
            replica.FreshAt = null;
        }

        sim.Vault.WriteKv(VaultFleetSimulation.TrackedPath, new Dictionary<string, object?> { ["password"] = "rotated" });
        await sim.RunAsync(TimeSpan.FromSeconds(1), 900, () => sim.Replicas.All(r => r.FreshAt is not null), () => sim.TrackFreshness("rotated"));
        var staleness = sim.Replicas.Select(r => (r.FreshAt ?? double.PositiveInfinity) - writtenAt).Order().ToArray();
        await CloseWindowAsync(sim);
        var writeTraffic = sim.Traffic.Between(writtenAt, sim.Now);
        await sim.RunAsync(TimeSpan.FromSeconds(5), steadyStart + 600 - sim.Now);
        result.Steady = sim.Traffic.Between(steadyStart, sim.Now);
        result.Write = new VaultWriteResult(
            writeTraffic,
            staleness.Count(double.IsPositiveInfinity),
            Percentile(staleness, 0.50),
            Percentile(staleness, 0.99),
            staleness[^1]);
        Phase("steady and write");

        // The first token renewals and lease renewals: due 36-42 min after each pod's login; measured 30-50 min after the rollout began.
        if (renewals)
        {
            await sim.RunAsync(TimeSpan.FromSeconds(5), rolloutStart + 1800 - sim.Now);
            Phase("gap");
            var renewalStart = sim.Now;
            await sim.RunAsync(TimeSpan.FromSeconds(5), 1200);
            result.Renewals = sim.Traffic.Between(renewalStart, sim.Now);
            Phase("renewals");
        }

        return result;
    }

    /// <summary>Runs to the start of the next 10 s window, so what happened at this instant is inside the phase that ends.</summary>
    private static Task CloseWindowAsync(VaultFleetSimulation sim) => sim.RunAsync(TimeSpan.FromSeconds(1), (Math.Floor((sim.Now / 10) + 1e-9) * 10) + 10 - sim.Now);

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void PrintMeasured(TextWriter output, IReadOnlyList<(int N, VaultFleetResult Result, TimeSpan Wall)> results)
    {
        output.WriteLine("Measured, in-process source at its defaults (per second: mean over the phase in simulated time; in brackets the busiest 10 s; other columns are counts):");
        output.WriteLine("| N | phase | requests/s (peak per 10 s) | KV metadata reads/s (peak) | KV data reads | mount probes | logins (peak per 10 s) | token renewals/s (peak) | token lookups | lease renewals/s (peak) | credential reads | errors |");
        output.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (n, r, _) in results)
        {
            Row(output, n, F($"rollout, 4 waves of 25 % ({r.RolloutSeconds:0} s)"), r.Rollout);
            Row(output, n, F($"steady, first {r.Steady.Seconds / 60:0} min after rollout (one KV write at minute 5)"), r.Steady);
            Row(output, n, F($"of which: from the KV write until every replica serves it ({r.Write.Traffic.Seconds:0} s)"), r.Write.Traffic);
            if (r.Renewals is { } renewals)
            {
                Row(output, n, "first token and lease renewals, min 30-50 after the rollout began", renewals);
            }
        }

        output.WriteLine();
        output.WriteLine("One KV write (new version of secret/app/s00) seen by every replica:");
        output.WriteLine("| N | staleness p50 / p99 / max | replicas never fresh | KV data reads it cost | KV metadata reads meanwhile | wall time of the N run | start-ups failed |");
        output.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var (n, r, wall) in results)
        {
            var w = r.Write;
            output.WriteLine(F($"| {n:#,0} | {w.P50:0} / {w.P99:0} / {w.Max:0} s | {w.Stale:#,0} | {w.Traffic[VaultFleetKind.KvData]:#,0} | {w.Traffic[VaultFleetKind.KvMetadata]:#,0} | {wall.TotalSeconds:0} s | {r.FailedStarts} |"));
        }
    }

    private static void Row(TextWriter output, int n, string phase, VaultFleetCounts c) =>
        output.WriteLine(F($"| {n:#,0} | {phase} | {c.PerSecond():#,0.0} ({c.PeakPer10s:#,0}) | {c.PerSecond(VaultFleetKind.KvMetadata):#,0.0} ({c.Peak(VaultFleetKind.KvMetadata):#,0}) | {c[VaultFleetKind.KvData]:#,0} | {c[VaultFleetKind.MountProbe]:#,0} | {c[VaultFleetKind.Login]:#,0} ({c.Peak(VaultFleetKind.Login):#,0}) | {c.PerSecond(VaultFleetKind.TokenRenew):#,0.00} ({c.Peak(VaultFleetKind.TokenRenew):#,0}) | {c[VaultFleetKind.TokenLookup]:#,0} | {c.PerSecond(VaultFleetKind.LeaseRenew):#,0.00} ({c.Peak(VaultFleetKind.LeaseRenew):#,0}) | {c[VaultFleetKind.Credentials]:#,0} | {c[VaultFleetKind.Errors]:#,0} |"));

    private static void PrintAgent(TextWriter output, IReadOnlyList<int> sizes)
    {
        output.WriteLine("Vault Agent per pod, computed (static_secret_render_interval 5 min: re-reads the data of each of the 10 paths each interval;"
            + " auto-auth: one Kubernetes login per start, renews its 1 h token at about 2/3 of its TTL; renews the 1 h database lease at about 2/3):");
        output.WriteLine("| N | KV data reads/s | token renewals/s (mean) | lease renewals/s (mean) | logins per wave of 25 % | one KV write: staleness p50 / p99 / max | KV data reads it costs |");
        output.WriteLine("|---:|---:|---:|---:|---:|---|---:|");
        foreach (var n in sizes)
        {
            var poll = DefaultPoll.TotalSeconds;
            var renewEvery = VaultFleetSimulation.TokenTtl.TotalSeconds * 2 / 3;
            output.WriteLine(F($"| {n:#,0} | {n * VaultFleetSimulation.Paths / poll:#,0.0} | {n / renewEvery:#,0.00} | {n / (VaultFleetSimulation.LeaseTtl.TotalSeconds * 2 / 3):#,0.00} | {(n + 3) / 4:#,0} | {poll * 0.5:0} / {poll * 0.99:0} / {poll:0} s | 0 more (it reads every path every interval) |"));
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

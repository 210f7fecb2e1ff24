using System.Diagnostics;
using System.Globalization;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Event Grid push through <c>MapSecretRotationEvents</c>: how soon a rotation announced by a <c>SecretNewVersionCreated</c>
/// event reaches <c>IOptionsMonitor.OnChange</c>, next to how long the default poll makes it wait, and what a burst of
/// duplicated, stale and reordered events costs in Key Vault requests.
/// </summary>
internal static class EventsHarness
{
    private static readonly TimeSpan P99Target = TimeSpan.FromMilliseconds(25);

    /// <summary>For the informational run: the per-request delay the key-vault harness uses for a vault in the same region.</summary>
    private static readonly TimeSpan VaultLatency = TimeSpan.FromMilliseconds(20);

    private const int SlowVaultRotations = 50;

    /// <summary>Runs the three parts and prints them. Returns 0 when every target and check is met, else 1.</summary>
    public static async Task<int> RunAsync(TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        output.WriteLine("events: MapSecretRotationEvents on Kestrel (http://127.0.0.1, one access key in the query string) in front of AddAzureKeyVaultSecrets"
            + " (every source default: whole vault, 5-min poll with +/-10 % jitter) over KeyVaultEmulator on loopback HTTPS, the real SecretClient, no added latency."
            + " Event Grid schema deliveries by EventGridDeliverer on one HttpClient: one event per POST, one attempt per event.");
        output.WriteLine();

        output.WriteLine($"1. Push latency: {PushLatency.DefaultRotations} rotations of {PushLatency.SecretName}; each is SetSecret in the emulator, then one POST of its SecretNewVersionCreated event.");
        output.WriteLine("   latency = Stopwatch timestamp inside the IOptionsMonitor<DbCredentials>.OnChange callback carrying the new value, minus one taken just before the POST.");
        var push = await PushLatency.RunAsync(PushLatency.DefaultRotations, TimeSpan.Zero, output);
        var slowVault = await PushLatency.RunAsync(SlowVaultRotations, VaultLatency, TextWriter.Null);
        var slowSummary = LatencySummary.From(slowVault.ToOnChange);
        output.WriteLine($"   1b (informational: no target, not in the exit code): {SlowVaultRotations} more rotations, same way, on a fresh app whose emulator adds"
            + $" {Ms(VaultLatency.TotalMilliseconds)} ms to every request after the app has loaded: POST answers {Mix(slowVault.Statuses)};"
            + $" {slowVault.TotalGets} GETs, {slowVault.TotalLists} Lists");
        var pushSummary = LatencySummary.From(push.ToOnChange);
        var roundTrip = LatencySummary.From(push.PostRoundTrips);

        var source = new AzureKeyVaultSecretsSource();
        var interval = source.PollInterval ?? throw new InvalidOperationException("The Key Vault source has no default poll interval.");
        var poll = PollWaitFigures.Compute(interval, source.PollJitter);

        output.WriteLine();
        output.WriteLine("| Path | rotations | seen | p50 | p95 | p99 | max | mean |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        output.WriteLine($"| push: POST -> OnChange (measured) | {push.Rotations} | {push.ToOnChange.Count} | {Ms(pushSummary?.P50)} ms | {Ms(pushSummary?.P95)} ms | {Ms(pushSummary?.P99)} ms | {Ms(pushSummary?.Max)} ms | {Ms(Mean(push.ToOnChange))} ms |");
        output.WriteLine($"| push: POST -> 200 answer (measured, for comparison) | {push.Rotations} | - | {Ms(roundTrip?.P50)} ms | {Ms(roundTrip?.P95)} ms | {Ms(roundTrip?.P99)} ms | {Ms(roundTrip?.Max)} ms | {Ms(Mean(push.PostRoundTrips))} ms |");
        output.WriteLine($"| 1b push, {Ms(VaultLatency.TotalMilliseconds)} ms per Key Vault request: POST -> OnChange (informational) | {slowVault.Rotations} | {slowVault.ToOnChange.Count} | {Ms(slowSummary?.P50)} ms | {Ms(slowSummary?.P95)} ms | {Ms(slowSummary?.P99)} ms | {Ms(slowSummary?.Max)} ms | {Ms(Mean(slowVault.ToOnChange))} ms |");
        output.WriteLine($"| poll: default {Min(interval)} +/- {source.PollJitter * 100:0} %, rotation at a random moment (computed) | - | - | {Min(poll.P50)} | {Min(poll.P95)} | {Min(poll.P99)} | {Min(poll.Max)} | {Min(poll.Mean)} |");
        output.WriteLine();
        output.WriteLine($"   POST answers: {Mix(push.Statuses)}");
        output.WriteLine($"   per rotation: GETs {push.GetsPerRotation.Min()}-{push.GetsPerRotation.Max()}, Lists {push.ListsPerRotation.Min()}-{push.ListsPerRotation.Max()};"
            + $" totals after the run settled: {push.TotalGets} GETs, {push.TotalLists} Lists");
        output.WriteLine($"   OnChange callbacks {push.Callbacks}, reload-token firings {push.Reloads}, engine reads {Mix(push.Reads)}; rotations not seen within 5 s: {push.Missed}");
        var latencyMet = push.Missed == 0 && pushSummary is not null && pushSummary.P99 <= P99Target.TotalMilliseconds;
        output.WriteLine($"   target: push p99 <= {Ms(P99Target.TotalMilliseconds)} ms: {Ms(pushSummary?.P99)} ms, {push.Missed} missed -> {PassFail(latencyMet)}");
        output.WriteLine($"   check: every POST answered 200 ({push.Answered200} of {push.Rotations}), every rotation exactly 1 GET and no List -> {PassFail(push.CostsMet)}");
        if (pushSummary is not null)
        {
            output.WriteLine($"   push p50 {Ms(pushSummary.P50)} ms against the poll's mean wait {Min(poll.Mean)}: {poll.Mean.TotalMilliseconds / pushSummary.P50:#,0}x sooner");
        }

        output.WriteLine();
        WritePoll(output, poll);
        var polled = await PollOnFakeClock.RunAsync(PollOnFakeClock.DefaultTrials);
        WritePolled(output, polled, poll);

        output.WriteLine();
        output.WriteLine($"3. Burst: {EventBurst.DefaultSecrets} secrets rotated once each, then {EventBurst.DefaultEvents:#,0} SecretNewVersionCreated events for them (every event id distinct;"
            + " half name the new version, half the version the app loaded at start), shuffled, POSTed "
            + $"{EventBurst.DefaultConcurrency} at a time, one event per POST.");
        var burst = await EventBurst.RunAsync(EventBurst.DefaultSecrets, EventBurst.DefaultEvents, EventBurst.DefaultConcurrency, rotations: 1);
        WriteBurst(output, burst);
        var burstMet = burst.Gets <= burst.Secrets;
        var burstChecked = burst.NewValues == burst.Secrets && burst.Lists == 0
            && burst.Statuses.TryGetValue("200", out var ok) && ok == burst.Events;
        output.WriteLine($"   target: GETs <= {burst.Secrets} (one per rotated secret): {burst.Gets} -> {PassFail(burstMet)}");
        output.WriteLine($"   check: all {burst.Secrets} new values arrived, no List, every POST answered 200 -> {PassFail(burstChecked)}");

        output.WriteLine();
        output.WriteLine("3b. The same burst with two rotations per secret written first (informational: no target, not in the exit code):"
            + " a third of the events name the intermediate version, which the app never loads.");
        var twice = await EventBurst.RunAsync(EventBurst.DefaultSecrets, EventBurst.DefaultEvents, EventBurst.DefaultConcurrency, rotations: 2);
        WriteBurst(output, twice);

        output.WriteLine();
        output.WriteLine($"events: done in {clock.Elapsed.TotalSeconds:0.0} s");
        return latencyMet && push.CostsMet && burstMet && burstChecked ? 0 : 1;
    }

    private static void WriteBurst(TextWriter output, EventBurstRun burst)
    {
        output.WriteLine($"   events: {burst.NewVersionEvents} naming the newest version, {burst.IntermediateVersionEvents} an intermediate one, {burst.LoadedVersionEvents} the loaded one;"
            + $" delivered in {burst.Duration.TotalSeconds:0.00} s ({(burst.Events / burst.Duration.TotalSeconds).ToString("#,0", CultureInfo.InvariantCulture)} events/s)");
        output.WriteLine($"   HTTP status mix: {Mix(burst.Statuses)}");
        output.WriteLine($"   Key Vault requests: {burst.Gets} GETs ({Mix(burst.GetsPerSecret)}), {burst.Lists} Lists");
        output.WriteLine($"   engine reads: {Mix(burst.Reads)}; reload-token firings: {burst.Reloads}; new values in the configuration: {burst.NewValues} of {burst.Secrets}");
    }

    private static void WritePoll(TextWriter output, PollWaitFigures poll)
    {
        output.WriteLine($"2. Poll-based, for comparison (computed, not waited): the default PollInterval {Min(poll.Interval)} with PollJitter {poll.Jitter.ToString("0.0#", CultureInfo.InvariantCulture)}"
            + $" draws each poll {Min(poll.Shortest)} to {Min(poll.Longest)} after the previous one.");
        output.WriteLine($"   a rotation at a uniformly random moment waits on average about half the interval: {Min(poll.Mean)} (exactly {Min(poll.Interval / 2)} without jitter;"
            + " long intervals are hit more often); p50 " + Min(poll.P50) + ", p95 " + Min(poll.P95) + ", p99 " + Min(poll.P99)
            + $"; worst {Min(poll.Max)} (a rotation just after a poll that drew the longest interval)");
    }

    private static void WritePolled(TextWriter output, PolledRotations polled, PollWaitFigures computed)
    {
        var waits = polled.Waits.Select(static wait => wait.TotalMinutes).ToArray();
        var gaps = polled.PollGaps.Select(static gap => gap.TotalMinutes).ToArray();
        output.WriteLine($"   fake clock (emulator and source on one FakeTimeProvider, every source default but the clock; moved {polled.Step.TotalSeconds:0} s at a time):"
            + $" {polled.Trials} rotations, each written a random 0-{PollOnFakeClock.WriteWindow.TotalMinutes:0} min after the previous one was seen");
        output.WriteLine($"     seen at the first poll after the write: {polled.SeenAtFirstPoll} of {polled.Trials}; reload-token firings {polled.Reloads}");
        if (waits.Length > 0)
        {
            output.WriteLine($"     wait from write to that poll: min {waits.Min():0.00}, mean {waits.Average():0.00}, max {waits.Max():0.00} min"
                + $" (computed: mean {Min(computed.Mean)}, worst {Min(computed.Max)}; a mean of {waits.Length} random waits is itself off by about"
                + $" {(StandardDeviation(waits) / Math.Sqrt(waits.Length)).ToString("0.00", CultureInfo.InvariantCulture)} min)");
        }

        if (gaps.Length > 0)
        {
            output.WriteLine($"     time between consecutive polls: {gaps.Min():0.00} to {gaps.Max():0.00} min over {gaps.Length} gaps");
        }

        output.WriteLine($"     the polls that saw a rotation sent {polled.ListsOnSeeingPoll} Lists and {polled.GetsOnSeeingPoll} GETs in all (1 List page + 1 GET each)");
    }

    private static double? Mean(IReadOnlyList<double> values) => values.Count == 0 ? null : values.Average();

    private static double StandardDeviation(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(value => (value - mean) * (value - mean)) / Math.Max(values.Length - 1, 1));
    }

    private static string Mix(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(static pair => $"{pair.Key} x {pair.Value.ToString("#,0", CultureInfo.InvariantCulture)}"));

    private static string Ms(double? milliseconds) =>
        milliseconds is { } value ? value.ToString("0.0", CultureInfo.InvariantCulture) : "n/a";

    private static string Min(TimeSpan value) => value.TotalMinutes.ToString("0.00", CultureInfo.InvariantCulture) + " min";

    private static string PassFail(bool met) => met ? "PASS" : "FAIL";
}

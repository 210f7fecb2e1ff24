using System.Diagnostics;
using System.Globalization;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness.Mirror;

/// <summary>
/// The Vault Mirror: lag from a Key Vault write to the new Vault version with Event Grid push (measured on loopback) and with the
/// poll (computed, and confirmed on a fake clock), and the Key Vault and Vault requests per mirrored rotation and per quiet poll.
/// </summary>
internal static class MirrorHarness
{
    public const int DefaultSecrets = 30;
    public const int DefaultPushRotations = 100;
    public const int DefaultPolledRotations = 30;
    public const int QuietPolls = 10;

    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMinutes(5);
    private const double DefaultJitter = 0.1;

    public static async Task<int> RunAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        output.WriteLine($"mirror: the Vault Mirror service as Program builds it (MirrorApplication.Build: poll worker, /events on http://127.0.0.1) over KeyVaultEmulator"
            + $" (loopback HTTPS, real SecretClient, no retries) and VaultEmulator (loopback HTTP, root token); {DefaultSecrets} secrets in scope, mount {MirrorRequestCounts.Mount}, prefix {MirrorRequestCounts.PathPrefix}.");
        output.WriteLine();

        var push = await RunPushAsync(output);
        output.WriteLine();
        var poll = await RunPollAsync(output);

        output.WriteLine();
        output.WriteLine("3. Requests per mirrored rotation and per quiet poll (Key Vault: List pages, GETs; Vault, under secret/metadata|data/mirror: metadata reads, data writes, metadata writes, LISTs)");
        output.WriteLine();
        output.WriteLine("| Per | KV List pages | KV GETs | Vault metadata reads | Vault data writes | Vault metadata writes | Vault LISTs |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        output.WriteLine(push.PerRotation.Row($"push: one event, per rotation ({push.Rotations} rotations)", push.Rotations));
        output.WriteLine(push.FollowUp.Row($"push: the first poll after them, in all (one poll; all {DefaultSecrets} secrets pushed within 2 s of their Key Vault update)", 1));
        output.WriteLine(poll.SeeingPolls.Row($"poll: the poll that mirrored the rotation, per rotation ({poll.Rotations} polls, {DefaultSecrets} secrets)", poll.Rotations));
        output.WriteLine(poll.Quiet.Row($"poll: quiet poll cycle, no change ({QuietPolls} polls, {DefaultSecrets} secrets), per poll", QuietPolls));
        output.WriteLine();

        var checks = push.Checks && poll.Checks;
        output.WriteLine($"mirror: done in {clock.Elapsed.TotalSeconds:0.0} s; sanity checks {PassFail(checks)}");
        return checks ? 0 : 1;
    }

    private static async Task<(int Rotations, MirrorRequestCounts PerRotation, MirrorRequestCounts FollowUp, bool Checks)> RunPushAsync(TextWriter output)
    {
        var rotations = DefaultPushRotations;
        output.WriteLine($"1. Push: {rotations} rotations, round-robin over the {DefaultSecrets} secrets; each is SetSecret in the Key Vault emulator, then one POST of its"
            + " SecretNewVersionCreated event to /events (EventGridDeliverer, Event Grid schema, one attempt). The endpoint answers after the reconcile.");
        output.WriteLine("   lag = from just before SetSecret to the new value readable in the Vault emulator (checked as soon as the POST is answered, then every 1 ms);"
            + " poll interval 1 h (only the start pass runs).");
        await using var host = await MirrorHost.StartAsync(TimeSpan.FromHours(1), kv => Seed(kv));
        var lags = new List<double>(rotations);
        var roundTrips = new List<double>(rotations);
        var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
        var mismatched = 0;
        var before = host.Counts();
        var perRotation = new List<MirrorRequestCounts>(rotations);
        for (var i = 0; i < rotations; i++)
        {
            var name = SecretName(i % DefaultSecrets);
            var value = $"push-{i}-{Guid.NewGuid():N}";
            var rotationBefore = host.Counts();
            var start = Stopwatch.GetTimestamp();
            var version = host.KeyVault.SetSecret(name, value);
            var result = await host.Deliverer.DeliverAsync(host.NewVersionEvent(name, version));
            roundTrips.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            var status = result.Attempts.Count == 1 ? result.Attempts[0].StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "error" : "error";
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
            while (host.Mirrored(name) != value && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1);
            }

            if (host.Mirrored(name) == value)
            {
                lags.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            else
            {
                mismatched++;
            }

            perRotation.Add(host.Counts() - rotationBefore);
        }

        var pushed = host.Counts() - before;

        // The next poll: push writes were read within Key Vault's 2 s 'updated' resolution, so that poll compares versions once more.
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var followBefore = host.Counts();
        var follow = await host.Reconciler.ReconcileAllAsync(CancellationToken.None);
        var followUp = host.Counts() - followBefore;

        var summary = LatencySummary.From(lags);
        output.WriteLine();
        output.WriteLine("| Path | rotations | mirrored | p50 | p95 | p99 | max |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        output.WriteLine($"| push: Key Vault write -> new Vault version (measured) | {rotations} | {lags.Count} | {Ms(summary?.P50)} | {Ms(summary?.P95)} | {Ms(summary?.P99)} | {Ms(summary?.Max)} |");
        var trips = LatencySummary.From(roundTrips);
        output.WriteLine($"| push: Key Vault write -> POST answered (for comparison) | {rotations} | - | {Ms(trips?.P50)} | {Ms(trips?.P95)} | {Ms(trips?.P99)} | {Ms(trips?.Max)} |");
        output.WriteLine();
        output.WriteLine($"   POST answers: {string.Join(", ", statuses.Select(p => $"{p.Key} x {p.Value}"))}; the next poll: {follow.Mirrored} mirrored, {follow.Skipped} skipped, {follow.Failed} failed");
        var onceEach = perRotation.All(c => c.DataWrites == 1) && pushed.DataWrites == rotations;
        var checks = mismatched == 0 && onceEach && followUp.DataWrites == 0 && statuses.GetValueOrDefault("200") == rotations && follow.Succeeded;
        output.WriteLine($"   check: every rotation mirrored ({lags.Count} of {rotations}), exactly one data write each ({pushed.DataWrites} in all,"
            + $" per rotation {perRotation.Min(c => c.DataWrites)}-{perRotation.Max(c => c.DataWrites)}), no data write on the next poll ({followUp.DataWrites}),"
            + $" every POST 200 -> {PassFail(checks)}");
        return (rotations, pushed, followUp, checks);
    }

    private static async Task<(int Rotations, MirrorRequestCounts SeeingPolls, MirrorRequestCounts Quiet, bool Checks)> RunPollAsync(TextWriter output)
    {
        var figures = PollWaitFigures.Compute(DefaultPollInterval, DefaultJitter);
        output.WriteLine($"2. Poll (no events): the default Mirror:PollInterval {Min(figures.Interval)} with Mirror:PollJitter {DefaultJitter:0.0#} waits {Min(figures.Shortest)} to {Min(figures.Longest)} between passes.");
        output.WriteLine($"   computed: a rotation at a uniformly random moment waits on average {Min(figures.Mean)} (half the interval, a little more with jitter);"
            + $" p50 {Min(figures.P50)}, p99 {Min(figures.P99)}, worst {Min(figures.Max)} (interval + jitter), plus the pass itself (milliseconds here).");

        var clock = new FakeClock();
        var random = new Random(20250601);
        await using var host = await MirrorHost.StartAsync(DefaultPollInterval, kv => Seed(kv), clock);
        var interval = DefaultPollInterval;
        var waits = new List<double>();
        var gaps = new List<double>();
        var seenAtNextPoll = 0;
        var totalPolls = 0;
        MirrorRequestCounts seeing = new(0, 0, 0, 0, 0, 0);
        var extraWrites = 0;
        var lastPass = host.Status.LastPassAt ?? clock.Fake.GetUtcNow();

        // Let one full poll pass first, so every secret's update is recorded as settled.
        lastPass = await NextPollAsync(host, clock, lastPass, interval);
        totalPolls++;
        for (var i = 0; i < DefaultPolledRotations; i++)
        {
            var due = clock.Recording.NextDueAfter(lastPass) ?? throw new InvalidOperationException("The poll worker set no timer.");
            gaps.Add((due - lastPass).TotalMinutes);
            var writeAt = lastPass + ((due - lastPass) * random.NextDouble());
            clock.Fake.Advance(writeAt - clock.Fake.GetUtcNow());
            var name = SecretName(i % DefaultSecrets);
            var value = $"poll-{i}-{Guid.NewGuid():N}";
            host.KeyVault.SetSecret(name, value);
            var written = clock.Fake.GetUtcNow();
            var before = host.Counts();
            lastPass = await NextPollAsync(host, clock, lastPass, interval);
            totalPolls++;
            var counts = host.Counts() - before;
            seeing = Add(seeing, counts);
            extraWrites += Math.Max(0, counts.DataWrites - 1);
            if (host.Mirrored(name) == value)
            {
                seenAtNextPoll++;
                waits.Add((lastPass - written).TotalMinutes);
            }
        }

        // Quiet polls: nothing changes; let one pass record what the last rotation's poll could not yet trust.
        lastPass = await NextPollAsync(host, clock, lastPass, interval);
        var quietBefore = host.Counts();
        for (var i = 0; i < QuietPolls; i++)
        {
            var previous = lastPass;
            lastPass = await NextPollAsync(host, clock, lastPass, interval);
            gaps.Add((lastPass - previous).TotalMinutes);
        }

        var quiet = host.Counts() - quietBefore;
        output.WriteLine($"   fake clock (both emulators and the mirror's poll worker on one FakeTimeProvider; the clock jumps to each poll timer the worker sets): {DefaultPolledRotations} rotations,"
            + " each written at a uniformly random moment between two polls");
        output.WriteLine($"     mirrored by the first poll after the write: {seenAtNextPoll} of {DefaultPolledRotations}; wait from write to that poll: min {waits.DefaultIfEmpty().Min():0.00},"
            + $" mean {waits.DefaultIfEmpty().Average():0.00}, max {waits.DefaultIfEmpty().Max():0.00} min (uniform within each gap: expected mean about half the mean gap,"
            + $" {gaps.Average() / 2:0.00} min)");
        output.WriteLine($"     time between consecutive polls: {gaps.Min():0.00} to {gaps.Max():0.00} min over {gaps.Count} gaps (expected {Min(figures.Shortest)} to {Min(figures.Longest)})");
        var gapsInRange = gaps.All(g => g >= figures.Shortest.TotalMinutes - 1e-6 && g <= figures.Longest.TotalMinutes + 1e-6);
        var checks = seenAtNextPoll == DefaultPolledRotations && extraWrites == 0 && seeing.DataWrites == DefaultPolledRotations && quiet.DataWrites == 0 && quiet.MetadataWrites == 0 && gapsInRange;
        output.WriteLine($"   check: every rotation mirrored at the next poll, exactly one data write each ({seeing.DataWrites} for {DefaultPolledRotations}), no write in {QuietPolls} quiet polls,"
            + $" poll gaps within interval +/- jitter -> {PassFail(checks)}");
        return (DefaultPolledRotations, seeing, quiet, checks);
    }

    /// <summary>Moves the fake clock to the poll timer the worker set after <paramref name="lastPass"/> and waits for that pass to end.</summary>
    private static async Task<DateTimeOffset> NextPollAsync(MirrorHost host, FakeClock clock, DateTimeOffset lastPass, TimeSpan interval)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        DateTimeOffset? due;
        while ((due = clock.Recording.NextDueAfter(lastPass)) is null || due > lastPass + (interval * 2))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("The poll worker set no timer after its pass.");
            }

            await Task.Delay(1);
        }

        clock.Fake.Advance(due.Value - clock.Fake.GetUtcNow());
        while (host.Status.LastPassAt != due)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("The poll did not finish.");
            }

            await Task.Delay(1);
        }

        return due.Value;
    }

    private static void Seed(KeyVaultEmulator keyVault)
    {
        for (var i = 0; i < DefaultSecrets; i++)
        {
            keyVault.SetSecret(SecretName(i), $"initial-{i}-{Guid.NewGuid():N}");
        }
    }

    private static string SecretName(int index) => $"app-secret-{index:00}";

    private static MirrorRequestCounts Add(MirrorRequestCounts a, MirrorRequestCounts b) => new(
        a.KeyVaultLists + b.KeyVaultLists, a.KeyVaultGets + b.KeyVaultGets, a.MetadataReads + b.MetadataReads,
        a.DataWrites + b.DataWrites, a.MetadataWrites + b.MetadataWrites, a.VaultLists + b.VaultLists);

    private static string Ms(double? milliseconds) => milliseconds is { } value ? value.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "n/a";

    private static string Min(TimeSpan value) => value.TotalMinutes.ToString("0.00", CultureInfo.InvariantCulture) + " min";

    private static string PassFail(bool met) => met ? "PASS" : "FAIL";

}

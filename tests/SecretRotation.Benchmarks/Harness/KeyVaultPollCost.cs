using SecretRotation.AzureKeyVault.Internal;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Counts the requests one scheduled poll sends to the vault: whole-vault mode at start-up, in steady state with no change
/// and with one change, and named mode. Polls are run on the fake clock shared by the emulator and the source.
/// </summary>
internal static class KeyVaultPollCost
{
    private const int QuietTarget = 4;
    private const int RotationTarget = 5;
    private const int RotationCycles = 3;
    private const int NamedPolls = 2;

    /// <summary>How long before a poll the "late" rotation is written: inside <see cref="LoadedSecret.SettleTime"/>.</summary>
    private static readonly TimeSpan LateRotationLead = LoadedSecret.SettleTime / 2;

    /// <summary>Runs the polls and prints the table and the targets.</summary>
    public static async Task<PollCostFigures> RunAsync(TextWriter output)
    {
        var problems = new List<string>();

        // Whole vault, secrets written in the same (fake) second as the load: every fetch is within SettleTime of its
        // 'updated', so the first poll fetches every secret again. Then steady state, quiet polls alternating with polls
        // that find one rotated secret, and one rotation written just before a poll.
        await using var vault = await EmulatedVault.StartAsync(KeyVaultHarness.SecretCount, KeyVaultHarness.Latency);
        using var configuration = PolledConfiguration.Build(vault, _ => { });
        var firstPoll = await configuration.PollAsync();
        Check(problems, "first poll after start-up", firstPoll, expectedReloads: 0);

        var quiet = new List<PollCycle>();
        var rotation = new List<PollCycle>();
        quiet.Add(await QuietPollAsync(configuration, problems));
        for (var cycle = 1; cycle <= RotationCycles; cycle++)
        {
            var name = vault.SecretNames[(cycle * 37) % vault.SecretNames.Count];
            rotation.Add(await RotationPollAsync(vault, configuration, name, $"rotated value {cycle} of {name}", lead: null, problems));
            quiet.Add(await QuietPollAsync(configuration, problems));
        }

        var lateName = vault.SecretNames[^1];
        var latePoll = await RotationPollAsync(vault, configuration, lateName, $"late rotated value of {lateName}", LateRotationLead, problems);
        var afterLatePoll = await configuration.PollAsync();
        Check(problems, "poll after the late rotation", afterLatePoll, expectedReloads: 0);

        // Whole vault, secrets last written a minute before the load: already settled when fetched.
        await using var established = await EmulatedVault.StartAsync(KeyVaultHarness.SecretCount, KeyVaultHarness.Latency);
        established.Time.Advance(TimeSpan.FromMinutes(1));
        using var establishedConfiguration = PolledConfiguration.Build(established, _ => { });
        var establishedFirstPoll = await establishedConfiguration.PollAsync();
        Check(problems, "first poll after start-up (settled secrets)", establishedFirstPoll, expectedReloads: 0);

        // Named mode: every secret by name; no List, one Get per name per poll.
        await using var namedVault = await EmulatedVault.StartAsync(KeyVaultHarness.SecretCount, KeyVaultHarness.Latency);
        using var named = PolledConfiguration.Build(namedVault, source => source.SecretNames = [.. namedVault.SecretNames]);
        var namedPolls = new List<PollCycle>(NamedPolls);
        for (var poll = 0; poll < NamedPolls; poll++)
        {
            var cycle = await named.PollAsync();
            Check(problems, "named-mode poll", cycle, expectedReloads: 0);
            namedPolls.Add(cycle);
        }

        output.WriteLine($"2. Requests per poll cycle, {KeyVaultHarness.SecretCount} secrets (list pages hold 25), default settings except PollJitter = 0; "
            + $"each poll is the scheduled one, run by moving the fake clock one poll interval ({configuration.PollInterval.TotalMinutes:0} min).");
        output.WriteLine("   'List + Get' counts authenticated requests; '401 / other' the challenges and anything else; 'reads' the engine's source reads.");
        output.WriteLine();
        output.WriteLine("| Cycle | cycles | List | Get | List + Get | 401 / other | reads | reloads | target |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        WriteRow(output, "whole vault: Build() (initial load)", [configuration.InitialLoad], reads: null, reloads: null, "none");
        WriteRow(output, "whole vault: first poll after start-up, secrets written in the load's second (settle re-fetch)", firstPoll, "none");
        WriteRow(output, "whole vault: first poll after start-up, secrets written 1 min before the load", establishedFirstPoll, "none");
        WriteRow(output, "whole vault, steady state: 0 changes", quiet, $"<= {QuietTarget}");
        WriteRow(output, "whole vault, steady state: 1 change", rotation, $"<= {RotationTarget}");
        WriteRow(output, $"whole vault: 1 change written {LateRotationLead.TotalSeconds:0} s before the poll", latePoll, "none");
        WriteRow(output, "whole vault: the poll after that one (settle re-fetch of that secret)", afterLatePoll, "none");
        WriteRow(output, $"named mode ({KeyVaultHarness.SecretCount} SecretNames): Build()", [named.InitialLoad], reads: null, reloads: null, "none");
        WriteRow(output, $"named mode ({KeyVaultHarness.SecretCount} SecretNames): any poll", namedPolls, "none");
        output.WriteLine();

        foreach (var problem in problems)
        {
            output.WriteLine($"   problem: {problem}");
        }

        var quietMax = quiet.Max(cycle => cycle.Requests.ListAndGet);
        var rotationMax = rotation.Max(cycle => cycle.Requests.ListAndGet);
        var quietMet = quietMax <= QuietTarget && problems.Count == 0;
        var rotationMet = rotationMax <= RotationTarget && problems.Count == 0;
        output.WriteLine($"   target: 0 changes, List + Get per cycle <= {QuietTarget}: {Values(quiet)} ({quiet.Count} cycles) -> {KeyVaultHarness.PassFail(quietMet)}");
        output.WriteLine($"   target: 1 change, List + Get per cycle <= {RotationTarget}: {Values(rotation)} ({rotation.Count} cycles, each read the new value) -> {KeyVaultHarness.PassFail(rotationMet)}");

        return new PollCostFigures(
            configuration.PollInterval,
            configuration.InitialLoad.ListAndGet,
            quietMax,
            rotationMax,
            named.InitialLoad.ListAndGet,
            namedPolls.Max(cycle => cycle.Requests.ListAndGet),
            quietMet && rotationMet);
    }

    private static async Task<PollCycle> QuietPollAsync(PolledConfiguration configuration, List<string> problems)
    {
        var cycle = await configuration.PollAsync();
        Check(problems, "quiet poll", cycle, expectedReloads: 0);
        return cycle;
    }

    /// <summary>Writes a new version of <paramref name="name"/> (at once, or <paramref name="lead"/> before the poll) and polls.</summary>
    private static async Task<PollCycle> RotationPollAsync(
        EmulatedVault vault, PolledConfiguration configuration, string name, string value, TimeSpan? lead, List<string> problems)
    {
        void Rotate() => vault.Emulator.SetSecret(name, value);

        PollCycle cycle;
        if (lead is { } beforePoll)
        {
            cycle = await configuration.PollAsync(beforePoll, Rotate);
        }
        else
        {
            Rotate();
            cycle = await configuration.PollAsync();
        }

        Check(problems, $"poll after rotating {name}", cycle, expectedReloads: 1);
        if (configuration[name] != value)
        {
            problems.Add($"poll after rotating {name}: the configuration does not hold the new value");
        }

        return cycle;
    }

    private static void Check(List<string> problems, string what, PollCycle cycle, int expectedReloads)
    {
        if (cycle.Reads != 1 || cycle.Failed || cycle.Reloads != expectedReloads)
        {
            problems.Add($"{what}: {cycle.Reads} reads (expected 1), failed = {cycle.Failed}, {cycle.Reloads} reloads (expected {expectedReloads})");
        }
    }

    private static void WriteRow(TextWriter output, string name, PollCycle cycle, string target) =>
        WriteRow(output, name, [cycle], target);

    private static void WriteRow(TextWriter output, string name, IReadOnlyList<PollCycle> cycles, string target) =>
        WriteRow(output, name, [.. cycles.Select(cycle => cycle.Requests)], Values(cycles.Select(cycle => cycle.Reads)), Values(cycles.Select(cycle => cycle.Reloads)), target);

    private static void WriteRow(TextWriter output, string name, IReadOnlyList<RequestCounts> counts, string? reads, string? reloads, string target) =>
        output.WriteLine($"| {name} | {counts.Count} | {Values(counts.Select(c => c.Lists))} | {Values(counts.Select(c => c.Gets))} | {Values(counts.Select(c => c.ListAndGet))} "
            + $"| {Values(counts.Select(c => c.Challenges))} / {Values(counts.Select(c => c.Other))} | {reads ?? "-"} | {reloads ?? "-"} | {target} |");

    private static string Values(IEnumerable<PollCycle> cycles) => Values(cycles.Select(cycle => cycle.Requests.ListAndGet));

    /// <summary>One value when every cycle gave the same, else each cycle's value in order.</summary>
    private static string Values(IEnumerable<int> values)
    {
        var all = values.ToArray();
        return all.Distinct().Count() == 1 ? KeyVaultHarness.Count(all[0]) : string.Join(", ", all.Select(KeyVaultHarness.Count));
    }
}

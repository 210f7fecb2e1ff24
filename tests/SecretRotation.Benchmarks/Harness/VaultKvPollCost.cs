using System.Globalization;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Part 1 of <c>vault</c>: ten KV v2 paths at the default 5-minute poll over one pod-hour, with no change and with one
/// change of one path. Every poll should read the ten metadata endpoints and nothing else, plus one data read for the
/// poll that finds the change.
/// </summary>
internal static class VaultKvPollCost
{
    public const int PathCount = 10;

    /// <summary>The path rewritten in the run with one change (1-based).</summary>
    private const int ChangedPath = 5;

    /// <summary>When the change is written: between two polls, not on one.</summary>
    private static readonly TimeSpan ChangeAt = TimeSpan.FromMinutes(22);

    public static async Task<(bool Met, IReadOnlyList<VaultRun> Runs)> RunAsync(TextWriter output)
    {
        var problems = new List<string>();
        var quiet = await RunPodAsync(change: false, problems);
        var changed = await RunPodAsync(change: true, problems);
        var changedPath = PathOf(ChangedPath);

        output.WriteLine($"1. KV v2: {PathCount} paths ({PathOf(1)} ... {PathOf(PathCount)}, kind Auto), one pod-hour after Build(), "
            + $"stepping the clock {HashiCorpVaultHarness.Step.TotalSeconds:0} s at a time.");
        output.WriteLine($"   '1 change': {changedPath} gets a new version at +{HashiCorpVaultHarness.Clock(ChangeAt)}. "
            + "'reads' are the engine's source reads by trigger (Poll = the 5-min poll; RefreshBy = a token or lease time fell due).");
        output.WriteLine();
        output.WriteLine("| Run | window | reads | polls | metadata | data | renew-self / login | mount lookups | other | all requests | errors | reloads |");
        output.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        WriteStartupRow(output, "Build() (start-up, either run)", quiet.Startup);
        WriteHourRow(output, "0 changes", quiet);
        WriteHourRow(output, "1 change", changed);
        output.WriteLine();

        output.WriteLine($"| Per poll | polls | metadata | data | other requests | target |");
        output.WriteLine("|---|---:|---:|---:|---:|---|");
        var changePolls = changed.Polls.Where(poll => poll.Requests.Data > 0).ToArray();
        var otherPolls = changed.Polls.Where(poll => poll.Requests.Data == 0).ToArray();
        WritePollRow(output, "0 changes: every poll", quiet.Polls, $"<= {PathCount} metadata + 0 data");
        WritePollRow(output, "1 change: the poll that found it", changePolls, $"<= {PathCount} metadata + 1 data");
        WritePollRow(output, "1 change: the other polls", otherPolls, $"<= {PathCount} metadata + 0 data");
        output.WriteLine();

        foreach (var run in new[] { quiet, changed })
        {
            var times = new List<TimeSpan> { TimeSpan.Zero };
            times.AddRange(run.Polls.Select(poll => poll.At));
            var gaps = times.Zip(times.Skip(1), (before, after) => after - before).ToArray();
            var renewals = run.Steps.Where(step => !step.IsPoll && step.Triggers.Count > 0).Select(step => $"+{HashiCorpVaultHarness.Clock(step.At)} ({string.Join(", ", step.Triggers)})");
            output.WriteLine($"   {run.Name}: polls at (min after Build) {string.Join(", ", run.Polls.Select(poll => Minutes(poll.At)))}; reads without a poll: {string.Join(", ", renewals.DefaultIfEmpty("none"))}");
            output.WriteLine($"   {run.Name}: longest time between two KV checks (Build() counts as one): {Minutes(gaps.Max())} min");
        }

        if (changePolls.Length == 1)
        {
            output.WriteLine($"   1 change: written at +{HashiCorpVaultHarness.Clock(ChangeAt)}, read by the poll at +{HashiCorpVaultHarness.Clock(changePolls[0].At)}, "
                + $"{Minutes(changePolls[0].At - ChangeAt)} min later");
        }

        output.WriteLine();
        foreach (var problem in problems)
        {
            output.WriteLine($"   problem: {problem}");
        }

        var pollsMet = quiet.Polls.All(poll => poll.Requests.Metadata <= PathCount && poll.Requests.Data == 0)
            && changed.Polls.All(poll => poll.Requests.Metadata <= PathCount && poll.Requests.Data <= 1)
            && changePolls.Length == 1 && quiet.Polls.Count > 0;
        var quietHour = quiet.Requests;
        var changedHour = changed.Requests;
        var hourMet = quietHour.Metadata <= PathCount * quiet.Polls.Count && quietHour.Data == 0
            && changedHour.Metadata <= PathCount * changed.Polls.Count && changedHour.Data == 1;
        var met = pollsMet && hourMet && problems.Count == 0;
        output.WriteLine($"   target: per poll <= {PathCount} metadata reads + 1 data read per change found: "
            + $"0 changes {PerPoll(quiet.Polls)}; 1 change {PerPoll(changePolls)} on the poll that found it, {PerPoll(otherPolls)} on the others "
            + $"-> {HashiCorpVaultHarness.PassFail(pollsMet && problems.Count == 0)}");
        output.WriteLine($"   target: per pod-hour <= {PathCount} x polls metadata reads + 1 data read per change: "
            + $"0 changes {quietHour.Metadata} + {quietHour.Data} ({quiet.Polls.Count} polls, limit {PathCount * quiet.Polls.Count} + 0); "
            + $"1 change {changedHour.Metadata} + {changedHour.Data} ({changed.Polls.Count} polls, limit {PathCount * changed.Polls.Count} + 1) "
            + $"-> {HashiCorpVaultHarness.PassFail(hourMet && problems.Count == 0)}");
        return (met, [quiet, changed]);
    }

    private static async Task<VaultRun> RunPodAsync(bool change, List<string> problems)
    {
        var name = change ? "1 change" : "0 changes";
        await using var pod = await VaultPod.StartAsync(
            emulator =>
            {
                for (var index = 1; index <= PathCount; index++)
                {
                    emulator.WriteKv(PathOf(index), Fields(index, revision: 1));
                }
            },
            options =>
            {
                for (var index = 1; index <= PathCount; index++)
                {
                    options.Map(PathOf(index), SectionOf(index));
                }
            });
        Expect(problems, $"{name}: Build()", pod[$"{SectionOf(ChangedPath)}:password"], Password(ChangedPath, 1));

        var written = false;
        var run = await VaultRun.RecordAsync(name, pod, HashiCorpVaultHarness.PodHour, HashiCorpVaultHarness.Step, beforeStep: elapsed =>
        {
            if (change && !written && elapsed >= ChangeAt)
            {
                pod.Emulator.WriteKv(PathOf(ChangedPath), Fields(ChangedPath, revision: 2));
                written = true;
            }
        });

        Expect(problems, $"{name}: after the hour", pod[$"{SectionOf(ChangedPath)}:password"], Password(ChangedPath, change ? 2 : 1));
        if (run.Reloads != (change ? 1 : 0))
        {
            problems.Add($"{name}: {run.Reloads} reloads (expected {(change ? 1 : 0)})");
        }

        if (run.Failed || run.Requests.Errors > 0 || run.Startup.Errors > 0)
        {
            problems.Add($"{name}: a read failed or Vault answered an error ({run.Startup.Errors + run.Requests.Errors} errors); status: {pod.Status}");
        }

        return run;
    }

    private static void Expect(List<string> problems, string what, string? actual, string expected)
    {
        if (actual != expected)
        {
            problems.Add($"{what}: the configuration holds '{actual ?? "(null)"}' for the changed path's password, not '{expected}'");
        }
    }

    private static void WriteStartupRow(TextWriter output, string name, VaultRequestCounts c) =>
        output.WriteLine($"| {name} | - | Initial 1 | - | {c.Metadata} | {c.Data} | {c.TokenRenewals} / {c.Logins} | {c.MountLookups} | {c.Other + c.Creds + c.LeaseRenewals} "
            + $"| {c.Total} | {c.Errors} | - |");

    private static void WriteHourRow(TextWriter output, string name, VaultRun run)
    {
        var c = run.Requests;
        output.WriteLine($"| {name} | {Minutes(run.Window)} min | {run.ReadsByTrigger} | {run.Polls.Count} | {c.Metadata} | {c.Data} | {c.TokenRenewals} / {c.Logins} | {c.MountLookups} "
            + $"| {c.Other + c.Creds + c.LeaseRenewals} | {c.Total} | {c.Errors} | {run.Reloads} |");
    }

    private static void WritePollRow(TextWriter output, string name, IReadOnlyList<VaultStep> polls, string target) =>
        output.WriteLine($"| {name} | {polls.Count} | {Values(polls.Select(p => p.Requests.Metadata))} | {Values(polls.Select(p => p.Requests.Data))} "
            + $"| {Values(polls.Select(p => p.Requests.Total - p.Requests.Metadata - p.Requests.Data))} | {target} |");

    private static string PerPoll(IReadOnlyList<VaultStep> polls) =>
        polls.Count == 0 ? "(no poll)" : $"{Values(polls.Select(p => p.Requests.Metadata))} + {Values(polls.Select(p => p.Requests.Data))}";

    /// <summary>One value when all are the same, else each in order.</summary>
    private static string Values(IEnumerable<int> values)
    {
        var all = values.ToArray();
        return all.Length == 0 ? "-" : all.Distinct().Count() == 1 ? all[0].ToString(CultureInfo.InvariantCulture) : string.Join(", ", all);
    }

    private static string Minutes(TimeSpan value) => value.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);

    private static string PathOf(int index) => $"secret/{VaultPod.Role}/s{index:D2}";

    private static string SectionOf(int index) => $"S{index:D2}";

    private static string Password(int index, int revision) => $"password {revision} of s{index:D2}";

    private static Dictionary<string, object?> Fields(int index, int revision) =>
        new() { ["username"] = $"user-s{index:D2}", ["password"] = Password(index, revision) };
}

using System.Globalization;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Part 2 of <c>vault</c>: one dynamic database credential (<c>database/creds/app</c>) with a 1-hour lease. With a 24-hour
/// max TTL, one pod-hour: one read and a renewal. With a 3-hour max TTL, four hours: the renewals stop at the max TTL and
/// the credential is read again before the old lease expires.
/// </summary>
internal static class VaultLeaseCost
{
    private const string CredsPath = $"database/creds/{VaultPod.Role}";
    private const string Section = "Db";

    private static readonly TimeSpan LeaseTtl = TimeSpan.FromHours(1);

    public static async Task<(bool Met, IReadOnlyList<VaultRun> Runs)> RunAsync(TextWriter output)
    {
        var cases = new[]
        {
            (MaxTtl: TimeSpan.FromHours(24), Window: HashiCorpVaultHarness.PodHour),
            (MaxTtl: TimeSpan.FromHours(3), Window: TimeSpan.FromHours(4)),
        };
        var results = new List<VaultLeaseResult>();
        foreach (var (maxTtl, window) in cases)
        {
            results.Add(await RunPodAsync(maxTtl, window));
        }

        output.WriteLine($"2. Dynamic database credential: {CredsPath} (kind Auto) into '{Section}', lease TTL {Hours(LeaseTtl)} h; "
            + "renewals ask for the lease's own duration again.");
        output.WriteLine("   'creds reads' include Build()'s; 'reloads' are reload-token firings after Build() (each one new credentials); "
            + "'margin' is how long before the old lease's expiry the new credential was read.");
        output.WriteLine();
        output.WriteLine("| Case | window | creds reads | lease renewals | renewals per hour | reads (engine) | reloads | re-read margin | credentials in use always live | errors |");
        output.WriteLine("|---|---|---:|---:|---:|---|---:|---|---|---:|");
        foreach (var result in results)
        {
            var run = result.Run;
            var margins = result.Margins.Count == 0 ? "no re-read" : string.Join(", ", result.Margins.Select(margin => $"{Minutes(margin)} min"));
            output.WriteLine($"| {run.Name} | {Hours(run.Window)} h | {result.CredsReads} | {run.Requests.LeaseRenewals} | {PerHour(run.Requests.LeaseRenewals, run.Window)} "
                + $"| {run.ReadsByTrigger} | {run.Reloads} | {margins} | {(result.LapsedAt is null ? "yes" : $"no (from +{HashiCorpVaultHarness.Clock(result.LapsedAt.Value)})")} "
                + $"| {run.Startup.Errors + run.Requests.Errors} |");
        }

        output.WriteLine();
        var longest = results[^1];
        output.WriteLine($"| {longest.Run.Name}, by hour | creds reads | lease renewals | renew-self / login | reads (engine) | reloads |");
        output.WriteLine("|---|---:|---:|---:|---|---:|");
        for (var hour = 1; hour <= (int)Math.Ceiling(longest.Run.Window / TimeSpan.FromHours(1)); hour++)
        {
            var steps = longest.Run.Steps.Where(step => step.At > TimeSpan.FromHours(hour - 1) && step.At <= TimeSpan.FromHours(hour)).ToArray();
            var c = VaultRequestCounts.Sum(steps.Select(step => step.Requests));
            var reads = new VaultRun(string.Empty, VaultRequestCounts.None, steps, Failed: false).ReadsByTrigger;
            var creds = c.Creds + (hour == 1 ? longest.Run.Startup.Creds : 0);
            output.WriteLine($"| hour {hour}{(hour == 1 ? " (with Build())" : string.Empty)} | {creds} | {c.LeaseRenewals} | {c.TokenRenewals} / {c.Logins + (hour == 1 ? longest.Run.Startup.Logins : 0)} | {reads} | {steps.Sum(step => step.Reloads)} |");
        }

        output.WriteLine();
        foreach (var result in results)
        {
            output.WriteLine($"   {result.Run.Name}, lease events:");
            foreach (var line in result.Events)
            {
                output.WriteLine($"     {line}");
            }
        }

        output.WriteLine();
        var met = true;
        foreach (var result in results)
        {
            foreach (var problem in result.Problems)
            {
                output.WriteLine($"   problem: {result.Run.Name}: {problem}");
            }

            var run = result.Run;
            var renewals = run.Requests.LeaseRenewals;
            var renewalsPerHour = renewals / run.Window.TotalHours;
            var caseMet = result.CredsReads == result.ExpectedReads && run.Reloads == result.ExpectedReads - 1 && renewals >= 1 && renewalsPerHour <= 2
                && result.Margins.All(margin => margin > TimeSpan.Zero) && result.LapsedAt is null && result.Problems.Count == 0;
            met &= caseMet;
            output.WriteLine($"   target: {run.Name}: 1 read per lease period ({Hours(result.MaxTtl)} h max TTL, {Hours(run.Window)} h simulated: {result.ExpectedReads} "
                + $"read{(result.ExpectedReads == 1 ? string.Empty : "s")}, {result.ExpectedReads - 1} reload{(result.ExpectedReads == 2 ? string.Empty : "s")}) + renewals "
                + $"(>= 1, <= 2 per hour), each re-read before the old lease expired, no failure: {result.CredsReads} reads, {run.Reloads} reloads, "
                + $"{renewals} renewals ({PerHour(renewals, run.Window)} per hour) -> {HashiCorpVaultHarness.PassFail(caseMet)}");
        }

        return (met, [.. results.Select(result => result.Run)]);
    }

    private static async Task<VaultLeaseResult> RunPodAsync(TimeSpan maxTtl, TimeSpan window)
    {
        var name = $"max TTL {Hours(maxTtl)} h";
        await using var pod = await VaultPod.StartAsync(
            emulator => emulator.AddDatabaseRole(VaultPod.Role, LeaseTtl, maxTtl),
            options => options.Map(CredsPath, Section));

        var problems = new List<string>();
        var events = new List<string>();
        var margins = new List<TimeSpan>();
        TimeSpan? lapsedAt = null;
        var leaseNumber = 1;
        var first = Lease(pod.Emulator.ActiveLeases, pod[$"{Section}:username"]);
        if (first is null)
        {
            problems.Add("after Build(), the configuration's username has no live lease");
        }
        else
        {
            events.Add($"+{HashiCorpVaultHarness.Clock(TimeSpan.Zero)} Build() read lease 1: expires +{At(pod, first.ExpireTime)}, max TTL at +{At(pod, first.IssueTime + maxTtl)}");
        }

        VaultLease? before = null;
        var run = await VaultRun.RecordAsync(
            name,
            pod,
            window,
            HashiCorpVaultHarness.Step,
            beforeStep: _ => before = Lease(pod.Emulator.ActiveLeases, pod[$"{Section}:username"]),
            afterStep: step =>
            {
                var now = pod.Time.GetUtcNow();
                var current = Lease(pod.Emulator.ActiveLeases, pod[$"{Section}:username"]);
                if (current is null && lapsedAt is null)
                {
                    lapsedAt = step.At;
                }

                if (step.Requests.Creds > 0)
                {
                    leaseNumber += step.Requests.Creds;
                    var margin = before is null ? TimeSpan.Zero : before.ExpireTime - now;
                    margins.Add(margin);
                    events.Add($"+{HashiCorpVaultHarness.Clock(step.At)} read again ({string.Join(", ", step.Triggers)}): lease {leaseNumber} expires "
                        + $"+{(current is null ? "?" : At(pod, current.ExpireTime))}; the old lease expires +{(before is null ? "?" : At(pod, before.ExpireTime))}, "
                        + $"{Minutes(margin)} min later; {step.Reloads} reload{(step.Reloads == 1 ? string.Empty : "s")}");
                }
                else if (step.Requests.LeaseRenewals > 0)
                {
                    var duration = current is null ? TimeSpan.Zero : current.ExpireTime - now;
                    var capped = duration < LeaseTtl ? ", capped by the max TTL: re-read due at 85-95 % of it" : string.Empty;
                    events.Add($"+{HashiCorpVaultHarness.Clock(step.At)} renewed lease {leaseNumber} ({string.Join(", ", step.Triggers)}): "
                        + $"{Minutes(duration)} min, expires +{(current is null ? "?" : At(pod, current.ExpireTime))}{capped}");
                }
            });

        var expectedReads = 1 + (int)(window / maxTtl);
        if (run.Failed)
        {
            problems.Add($"a read failed; status: {pod.Status}");
        }

        if (run.Startup.Errors + run.Requests.Errors > 0)
        {
            problems.Add($"Vault answered {run.Startup.Errors + run.Requests.Errors} requests with an error");
        }

        return new VaultLeaseResult(run, maxTtl, run.Startup.Creds + run.Requests.Creds, expectedReads, margins, lapsedAt, events, problems);
    }

    /// <summary>The live lease that issued <paramref name="username"/>, if any.</summary>
    private static VaultLease? Lease(IReadOnlyList<VaultLease> leases, string? username) =>
        leases.FirstOrDefault(lease => string.Equals(lease.Username, username, StringComparison.Ordinal));

    private static string At(VaultPod pod, DateTimeOffset time) => HashiCorpVaultHarness.Clock(time - pod.StartedAt);

    private static string Hours(TimeSpan value) => value.TotalHours.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan value) => value.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture);

    private static string PerHour(int count, TimeSpan window) => (count / window.TotalHours).ToString("0.##", CultureInfo.InvariantCulture);
}

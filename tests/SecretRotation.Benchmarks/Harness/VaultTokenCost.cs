using System.Globalization;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Part 3 of <c>vault</c>: the Kubernetes-auth token of every run of parts 1 and 2 (TTL 1 h, max TTL 24 h): one login at
/// start-up, then renew-self at 60–70 % of the TTL, and no new login while the max TTL is far.
/// </summary>
internal static class VaultTokenCost
{
    public static bool Write(TextWriter output, IReadOnlyList<VaultRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var ttl = VaultPod.TokenTtl;
        output.WriteLine($"3. Token: Kubernetes auth (auth/kubernetes/login with the service-account JWT), token TTL {ttl.TotalHours:0} h, max TTL {VaultPod.TokenMaxTtl.TotalHours:0} h, "
            + "in every run above. 'token-only reads' are engine reads (RefreshBy) that sent nothing but renew-self.");
        output.WriteLine();
        output.WriteLine("| Run | window | logins: Build() / after | renew-self | per hour | renewed at (after Build) | token-only reads | expected renew-self | target |");
        output.WriteLine("|---|---|---:|---:|---:|---|---:|---|---|");
        var met = true;
        foreach (var run in runs)
        {
            var requests = run.Requests;
            var renewedAt = run.Steps.Where(step => step.Requests.TokenRenewals > 0).Select(step => $"+{HashiCorpVaultHarness.Clock(step.At)}").ToArray();
            var tokenOnly = run.Steps.Count(step => !step.IsPoll && step.Triggers.Count > 0 && step.Requests.TokenRenewals > 0
                && step.Requests.Total == step.Requests.TokenRenewals);

            // Renewed at 60-70 % of the TTL each time, a step late at most: this many renewals fit in the window.
            var fewest = (int)(run.Window / ((ttl * 0.7) + HashiCorpVaultHarness.Step));
            var most = (int)(run.Window / (ttl * 0.6));
            var runMet = run.Startup.Logins == 1 && requests.Logins == 0 && requests.TokenRenewals >= fewest && requests.TokenRenewals <= most
                && run.Startup.Errors + requests.Errors == 0 && !run.Failed;
            met &= runMet;
            var perHour = (requests.TokenRenewals / run.Window.TotalHours).ToString("0.##", CultureInfo.InvariantCulture);
            var expected = fewest == most ? $"{fewest}" : $"{fewest}-{most}";
            output.WriteLine($"| {run.Name} | {run.Window.TotalHours:0.#} h | {run.Startup.Logins} / {requests.Logins} | {requests.TokenRenewals} | {perHour} "
                + $"| {(renewedAt.Length == 0 ? "-" : string.Join(", ", renewedAt))} | {tokenOnly} | {expected} | {HashiCorpVaultHarness.PassFail(runMet)} |");
        }

        output.WriteLine();
        output.WriteLine($"   target: one login at Build() and none after (max TTL {VaultPod.TokenMaxTtl.TotalHours:0} h not reached), renew-self at 60-70 % of the "
            + $"{ttl.TotalHours:0} h TTL (the count in 'expected'), no error -> {HashiCorpVaultHarness.PassFail(met)}");
        return met;
    }
}

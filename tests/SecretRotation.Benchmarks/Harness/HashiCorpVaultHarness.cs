using System.Diagnostics;
using System.Globalization;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// What the HashiCorp Vault source sends to Vault over simulated time, against the loopback <c>VaultEmulator</c>: KV v2
/// polling (part 1), a dynamic database credential's reads and lease renewals (part 2), and the Kubernetes-auth token's
/// logins and renewals (part 3); part 4 reports, without a target, two lifetimes that interact badly. The emulator and the source share one fake clock, moved in <see cref="Step"/>s.
/// </summary>
internal static class HashiCorpVaultHarness
{
    /// <summary>One pod-hour, the window the per-hour figures count.</summary>
    public static readonly TimeSpan PodHour = TimeSpan.FromHours(1);

    /// <summary>How far the fake clock moves at a time: every timer due within a step runs at its end, at most this late.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>Runs the three parts and prints them. Returns 0 when every target is met, else 1.</summary>
    public static async Task<int> RunAsync(TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        output.WriteLine("vault: AddHashiCorpVault against VaultEmulator on loopback HTTP; Kubernetes auth; every source default except PollJitter = 0 "
            + $"(PollInterval 5 min); one FakeTimeProvider for the emulator and the source, moved {Step.TotalSeconds:0} s at a time.");
        output.WriteLine();

        var (kvMet, kvRuns) = await VaultKvPollCost.RunAsync(output);
        output.WriteLine();
        var (leaseMet, leaseRuns) = await VaultLeaseCost.RunAsync(output);
        output.WriteLine();
        var tokenMet = VaultTokenCost.Write(output, [.. kvRuns, .. leaseRuns]);
        output.WriteLine();
        await VaultInteractions.WriteAsync(output);
        output.WriteLine();
        output.WriteLine($"vault: done in {clock.Elapsed.TotalSeconds:0.0} s");
        return kvMet && leaseMet && tokenMet ? 0 : 1;
    }

    /// <summary>A time after Build() as <c>h:mm:ss</c>, hours not wrapping at 24.</summary>
    public static string Clock(TimeSpan value) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalHours}:{value.Minutes:00}:{value.Seconds:00}");

    public static string PassFail(bool met) => met ? "PASS" : "FAIL";
}

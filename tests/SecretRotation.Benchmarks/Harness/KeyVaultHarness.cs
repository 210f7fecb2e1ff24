using System.Diagnostics;
using System.Globalization;
using SecretRotation.AzureKeyVault.Internal;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// What the Azure Key Vault source costs, against the loopback <c>KeyVaultEmulator</c> with the real <c>SecretClient</c>:
/// the initial load's wall time, parallel against sequential; the requests of one poll cycle; and from those, the requests
/// per pod-hour and how many pods one vault's throttling limit allows.
/// </summary>
internal static class KeyVaultHarness
{
    public const int SecretCount = 100;

    /// <summary>Key Vault's service limit for secrets: transactions per vault per region in each window of <see cref="VaultLimitWindow"/>.</summary>
    private const int VaultLimitTransactions = 4000;

    /// <summary>Delay the emulator adds to every request.</summary>
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan VaultLimitWindow = TimeSpan.FromSeconds(10);

    /// <summary>Runs the three parts and prints them. Returns 0 when every target is met, else 1.</summary>
    public static async Task<int> RunAsync(TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        output.WriteLine($"key-vault: AddAzureKeyVaultSecrets (whole vault unless named) against KeyVaultEmulator on loopback HTTPS, the real SecretClient, {SecretCount} secrets.");
        output.WriteLine();

        var loadMet = await KeyVaultInitialLoad.RunAsync(output);
        output.WriteLine();
        var polls = await KeyVaultPollCost.RunAsync(output);
        output.WriteLine();
        WritePodHour(output, polls);
        output.WriteLine();
        output.WriteLine($"key-vault: done in {clock.Elapsed.TotalSeconds:0.0} s");
        return loadMet && polls.Met ? 0 : 1;
    }

    public static string Ms(TimeSpan value) => Ms(value.TotalMilliseconds);

    public static string Ms(double milliseconds) => milliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Count(int value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string PassFail(bool met) => met ? "PASS" : "FAIL";

    /// <summary>Arithmetic only, from the measured per-cycle counts.</summary>
    private static void WritePodHour(TextWriter output, PollCostFigures figures)
    {
        var pollsPerHour = (int)(TimeSpan.FromHours(1) / figures.PollInterval);
        var windowsPerPoll = (int)(figures.PollInterval / VaultLimitWindow);
        var quietHour = pollsPerHour * figures.Quiet;
        var rotationHour = ((pollsPerHour - 1) * figures.Quiet) + figures.Rotation;
        var namedHour = pollsPerHour * figures.Named;
        var limit = Count(VaultLimitTransactions);
        var window = $"{VaultLimitWindow.TotalSeconds:0} s";

        output.WriteLine($"3. Requests per pod-hour at the default {figures.PollInterval.TotalMinutes:0}-min poll ({pollsPerHour} polls an hour), from the List + Get counts above:");
        output.WriteLine($"   whole vault, an hour without a change: {pollsPerHour} x {figures.Quiet} = {Count(quietHour)}");
        output.WriteLine($"   whole vault, an hour with one rotation: {pollsPerHour - 1} x {figures.Quiet} + {figures.Rotation} = {Count(rotationHour)}"
            + $" (one GET more if the rotation lands less than {LoadedSecret.SettleTime.TotalSeconds:0} s before a poll: the next poll fetches it again)");
        output.WriteLine($"   named mode, {SecretCount} SecretNames: {pollsPerHour} x {Count(figures.Named)} = {Count(namedHour)} ({Ratio(namedHour, quietHour)}x the whole-vault hour)");
        output.WriteLine($"   against Key Vault's limit of {limit} transactions per {window} per vault (all pods reading the vault share it):");
        output.WriteLine($"     pods polling within the same {window}: whole vault {limit} / {figures.Quiet} = {Count(VaultLimitTransactions / figures.Quiet)}"
            + $" ({Count(VaultLimitTransactions / figures.Rotation)} if every poll finds a change: {limit} / {figures.Rotation});"
            + $" named mode {limit} / {Count(figures.Named)} = {Count(VaultLimitTransactions / figures.Named)}");
        output.WriteLine($"     pods spread evenly over the {figures.PollInterval.TotalMinutes:0}-min interval ({windowsPerPoll} windows of {window}):"
            + $" whole vault {Count(VaultLimitTransactions * windowsPerPoll / figures.Quiet)}; named mode {Count(VaultLimitTransactions * windowsPerPoll / figures.Named)}");
        output.WriteLine($"     pods starting within the same {window} (initial load: whole vault {Count(figures.InitialLoad)} requests, named mode {Count(figures.NamedInitialLoad)}):"
            + $" whole vault {Count(VaultLimitTransactions / figures.InitialLoad)}; named mode {Count(VaultLimitTransactions / figures.NamedInitialLoad)}");
    }

    private static string Ratio(int value, int baseline) => (value / (double)baseline).ToString("0", CultureInfo.InvariantCulture);
}

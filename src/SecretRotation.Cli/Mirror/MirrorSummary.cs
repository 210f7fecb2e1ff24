using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.Cli.Mirror;

/// <summary>Prints a mirror pass: counts and secret names per outcome, never a value.</summary>
internal static class MirrorSummary
{
    public static async Task WriteAsync(TextWriter output, MirrorOptions options, MirrorPassResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);

        await output.WriteLineAsync($"Mirrored {options.KeyVaultUri} to {options.NormalizedMount}/{options.NormalizedPathPrefix} at {options.VaultAddress}");
        await WriteLineAsync(output, "mirrored", result.Mirrored, Names(result, MirrorOutcome.Mirrored));
        if (result.Repaired > 0)
        {
            await WriteLineAsync(output, "repaired", result.Repaired, Names(result, MirrorOutcome.Repaired).Select(n => $"{n} (changed in Vault by someone else; Key Vault's value written back)"));
        }

        await WriteLineAsync(output, "skipped", result.Skipped, Names(result, MirrorOutcome.Skipped).Concat(Names(result, MirrorOutcome.Inactive).Select(n => $"{n} (inactive in Key Vault, Vault copy kept)")));
        if (options.DeletePolicy == DeletePolicy.Delete || result.Removed > 0)
        {
            await WriteLineAsync(output, "removed", result.Removed, Names(result, MirrorOutcome.Removed));
        }

        await WriteLineAsync(output, "failed", result.Failed, Names(result, MirrorOutcome.Failed).Concat(Names(result, MirrorOutcome.Conflict).Select(n => $"{n} (written by someone else; not overwritten)")));
        if (result.ListingFailed)
        {
            await output.WriteLineAsync("  listing Key Vault or Vault failed: the pass is incomplete");
        }
    }

    private static IEnumerable<string> Names(MirrorPassResult result, MirrorOutcome outcome) =>
        result.Secrets.Where(s => s.Value == outcome).Select(s => s.Key);

    private static Task WriteLineAsync(TextWriter output, string label, int count, IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return output.WriteLineAsync(list.Length == 0 ? $"  {label,-9}{count}" : $"  {label,-9}{count,-4}{list}");
    }
}

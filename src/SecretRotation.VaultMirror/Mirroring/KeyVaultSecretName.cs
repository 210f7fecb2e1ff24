using System.Globalization;
using System.Text;

namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>
/// Key Vault's secret name rule, <c>^[0-9A-Za-z-]{1,127}$</c>. A name outside it cannot come from Key Vault, and would not stay one
/// Vault path segment under the prefix (<c>../team-b/db</c>), so it is never mirrored.
/// </summary>
public static class KeyVaultSecretName
{
    /// <summary>The longest Key Vault secret name.</summary>
    public const int MaxLength = 127;

    /// <summary>At most this many characters of a refused name are logged.</summary>
    public const int LoggedLength = 40;

    /// <summary>Whether <paramref name="name"/> follows Key Vault's rule.</summary>
    /// <param name="name">The name.</param>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>A bounded form of a refused name for logs: allowed characters kept, every other one shown as <c>?</c>.</summary>
    /// <param name="name">The refused name.</param>
    public static string ForLog(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "(empty)";
        }

        var shown = new StringBuilder(LoggedLength + 24);
        foreach (var c in name.AsSpan(0, Math.Min(name.Length, LoggedLength)))
        {
            shown.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '?');
        }

        return name.Length > LoggedLength ? shown.Append(CultureInfo.InvariantCulture, $"... ({name.Length} characters)").ToString() : shown.ToString();
    }
}

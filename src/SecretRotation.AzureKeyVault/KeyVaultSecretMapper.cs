using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;

namespace SecretRotation;

/// <summary>
/// Chooses which Key Vault secrets become configuration and under which keys. The default maps <c>--</c> to <c>:</c>
/// (<c>Db--Password</c> becomes <c>Db:Password</c>) and, with a prefix, keeps only names that start with it and strips it.
/// Derive from it for anything else (tags, content types, other separators).
/// </summary>
public class KeyVaultSecretMapper
{
    /// <summary>Creates the default mapper, with no prefix.</summary>
    public KeyVaultSecretMapper()
    {
    }

    /// <summary>Creates a mapper that keeps only secrets whose names start with <paramref name="prefix"/> (e.g. <c>myapp--</c>) and strips it.</summary>
    public KeyVaultSecretMapper(string? prefix)
    {
        Prefix = string.IsNullOrEmpty(prefix) ? null : prefix;
    }

    /// <summary>The name prefix to keep and strip, or <see langword="null"/>.</summary>
    public string? Prefix { get; }

    /// <summary>Whether the secret becomes configuration. Disabled, not-yet-valid and expired secrets are left out before this is asked.</summary>
    public virtual bool Include(SecretProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return Prefix is null || (properties.Name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && properties.Name.Length > Prefix.Length);
    }

    /// <summary>The configuration key for an included secret.</summary>
    public virtual string GetKey(SecretProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var name = Prefix is null ? properties.Name : properties.Name[Prefix.Length..];
        return name.Replace("--", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
    }
}

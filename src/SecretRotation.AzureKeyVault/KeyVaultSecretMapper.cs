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
    /// <remarks>The default asks <see cref="MayInclude(string)"/> with the secret's name.</remarks>
    public virtual bool Include(SecretProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return MayInclude(properties.Name);
    }

    /// <summary>
    /// Whether a secret of this name could become configuration, judged by its name alone. It is asked before any request
    /// is made for a change notice (which names only the secret): a notice for a name this rejects costs no request and is
    /// not this source's. The default checks <see cref="Prefix"/>; override it too when <see cref="Include"/> rejects names,
    /// and never reject a name <see cref="Include"/> could accept.
    /// </summary>
    public virtual bool MayInclude(string secretName)
    {
        ArgumentNullException.ThrowIfNull(secretName);
        return Prefix is null || (secretName.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && secretName.Length > Prefix.Length);
    }

    /// <summary>The configuration key for an included secret.</summary>
    public virtual string GetKey(SecretProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var name = Prefix is null ? properties.Name : properties.Name[Prefix.Length..];
        return name.Replace("--", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
    }
}

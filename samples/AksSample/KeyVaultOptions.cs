using SecretRotation;

namespace AksSample;

/// <summary>
/// Reading Azure Key Vault directly, bound from the <c>KeyVault</c> section (env vars <c>KeyVault__VaultUri</c>, ...).
/// Only secrets named <c>aks-sample--...</c> are read; <c>aks-sample--Database--Password</c> becomes <c>Database:Password</c>.
/// </summary>
public sealed class KeyVaultOptions
{
    public const string SectionName = "KeyVault";

    /// <summary>The name prefix that marks this app's secrets in a shared vault; it is stripped from the keys.</summary>
    public const string SecretNamePrefix = "aks-sample--";

    /// <summary>The vault, e.g. <c>https://myvault.vault.azure.net/</c>. Not set: Key Vault is not read (and, without a mount path either, the local demo runs).</summary>
    public string? VaultUri { get; set; }

    /// <summary>
    /// Comma-separated full secret names (<c>aks-sample--Database--User,aks-sample--Database--Password</c>). Set: only those
    /// are read, and the identity needs only the Get permission. Not set: the whole vault is listed (List and Get).
    /// </summary>
    public string? SecretNames { get; set; }

    /// <summary>How often the vault is polled. Not set: the source's default, 5 minutes.</summary>
    public TimeSpan? PollInterval { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(VaultUri);

    /// <summary>The names from <see cref="SecretNames"/>, or <see langword="null"/> for the whole vault.</summary>
    /// <exception cref="InvalidOperationException">A name does not start with <see cref="SecretNamePrefix"/>.</exception>
    public IList<string>? GetSecretNames()
    {
        if (string.IsNullOrWhiteSpace(SecretNames))
        {
            return null;
        }

        var names = SecretNames.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
        {
            if (!name.StartsWith(SecretNamePrefix, StringComparison.OrdinalIgnoreCase) || name.Length == SecretNamePrefix.Length)
            {
                throw new InvalidOperationException(
                    $"{SectionName}:SecretNames: '{name}' does not start with '{SecretNamePrefix}'. Give the full Key Vault secret names, e.g. '{SecretNamePrefix}Database--Password'.");
            }
        }

        return names.Length == 0 ? null : names;
    }

    /// <summary>The vault URI, checked.</summary>
    /// <exception cref="InvalidOperationException">It is not an absolute https URI.</exception>
    public Uri GetVaultUri()
    {
        if (!Uri.TryCreate(VaultUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{SectionName}:VaultUri must be an absolute https URI such as https://myvault.vault.azure.net/ (got '{VaultUri}').");
        }

        return uri;
    }

    /// <summary>Applies the prefix, the secret names and the poll interval to the Key Vault source.</summary>
    public void Configure(AzureKeyVaultSecretsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.Prefix = SecretNamePrefix;
        source.SecretNames = GetSecretNames();
        if (PollInterval is { } interval)
        {
            if (interval <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{SectionName}:PollInterval must be positive (got {interval}).");
            }

            source.PollInterval = interval;
        }
    }

    /// <summary>What is read, for the start-up log: the whole vault or the named secrets.</summary>
    public string DescribeSelection() =>
        GetSecretNames() is { } names
            ? $"named secrets {string.Join(", ", names)}: needs Get"
            : $"every secret named {SecretNamePrefix}*: needs List and Get";
}

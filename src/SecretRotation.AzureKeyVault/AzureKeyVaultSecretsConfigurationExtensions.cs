using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using SecretRotation;
using SecretRotation.AzureKeyVault.Internal;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Azure Key Vault secrets to a configuration builder.</summary>
public static class AzureKeyVaultSecretsConfigurationExtensions
{
    /// <summary>
    /// Adds every secret of the vault at <paramref name="vaultUri"/> (e.g. <c>https://myvault.vault.azure.net/</c>), read with
    /// <paramref name="credential"/> (e.g. <c>DefaultAzureCredential</c>, which uses Workload Identity on AKS).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="vaultUri"/> has no scheme or is not https.</exception>
    public static IConfigurationBuilder AddAzureKeyVaultSecrets(this IConfigurationBuilder builder, Uri vaultUri, TokenCredential credential) =>
        builder.AddAzureKeyVaultSecrets(vaultUri, credential, _ => { });

    /// <summary>Adds secrets of the vault at <paramref name="vaultUri"/>, with more settings (named secrets, prefix, poll interval...).</summary>
    /// <exception cref="ArgumentException"><paramref name="vaultUri"/> has no scheme or is not https.</exception>
    public static IConfigurationBuilder AddAzureKeyVaultSecrets(this IConfigurationBuilder builder, Uri vaultUri, TokenCredential credential, Action<AzureKeyVaultSecretsSource> configure)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        ArgumentNullException.ThrowIfNull(credential);
        KeyVaultUri.Validate(vaultUri, nameof(vaultUri));
        return builder.AddAzureKeyVaultSecrets(new SecretClient(vaultUri, credential), configure);
    }

    /// <summary>Adds every secret of the vault <paramref name="client"/> reads; the client's own options (retries, transport) apply.</summary>
    public static IConfigurationBuilder AddAzureKeyVaultSecrets(this IConfigurationBuilder builder, SecretClient client) =>
        builder.AddAzureKeyVaultSecrets(client, _ => { });

    /// <summary>Adds secrets of the vault <paramref name="client"/> reads, with more settings.</summary>
    public static IConfigurationBuilder AddAzureKeyVaultSecrets(this IConfigurationBuilder builder, SecretClient client, Action<AzureKeyVaultSecretsSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new AzureKeyVaultSecretsSource { Client = client };
        configure(source);
        return builder.Add(source);
    }
}

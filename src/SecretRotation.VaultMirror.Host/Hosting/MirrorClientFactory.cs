using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.VaultMirror.Hosting;

/// <summary>
/// Makes the mirror's clients from its settings: the Key Vault client with the credential, authority host and challenge switch of
/// <c>Mirror:KeyVault</c>, and the Vault handler trusting <c>Mirror:VaultCaCertificateFile</c> / <c>VaultCaCertificateDirectory</c>.
/// </summary>
internal static class MirrorClientFactory
{
    public static SecretClient CreateSecretClient(MirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SecretClient(
            options.KeyVaultUri,
            CreateCredential(options.KeyVault, Environment.GetEnvironmentVariable),
            new SecretClientOptions { DisableChallengeResourceVerification = options.KeyVault.DisableChallengeResourceVerification });
    }

    /// <summary>The Azure.Identity credential <c>Mirror:KeyVault:Credential</c> names, with <c>AuthorityHost</c> when set.</summary>
    public static TokenCredential CreateCredential(MirrorKeyVaultOptions keyVault, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(keyVault);
        ArgumentNullException.ThrowIfNull(environment);
        var clientId = string.IsNullOrWhiteSpace(environment("AZURE_CLIENT_ID")) ? null : environment("AZURE_CLIENT_ID")!.Trim();
        T Configure<T>(T credentialOptions)
            where T : TokenCredentialOptions
        {
            if (keyVault.AuthorityHost is { } authority)
            {
                credentialOptions.AuthorityHost = authority;
            }

            return credentialOptions;
        }

        return keyVault.NormalizedCredential switch
        {
            "default" => new DefaultAzureCredential(Configure(new DefaultAzureCredentialOptions())),
            "workload-identity" => new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions())),
            "managed-identity" => new ManagedIdentityCredential(Configure(new ManagedIdentityCredentialOptions(
                clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId)))),
            "azure-cli" => new AzureCliCredential(Configure(new AzureCliCredentialOptions())),
            "environment" => new EnvironmentCredential(Configure(new EnvironmentCredentialOptions())),
            _ => throw new InvalidOperationException(
                $"Mirror:KeyVault:Credential must be one of {string.Join(", ", MirrorKeyVaultOptions.CredentialNames)} (got '{keyVault.Credential}')."),
        };
    }

    /// <summary><c>VaultCaCertificateFile</c>, else every file of <c>VaultCaCertificateDirectory</c>, else <see langword="null"/>.</summary>
    public static X509Certificate2Collection? LoadVaultCa(MirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificates = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(options.VaultCaCertificateFile))
        {
            Import(certificates, options.VaultCaCertificateFile, "Mirror:VaultCaCertificateFile");
            return certificates;
        }

        if (string.IsNullOrWhiteSpace(options.VaultCaCertificateDirectory))
        {
            return null;
        }

        foreach (var file in Directory.EnumerateFiles(options.VaultCaCertificateDirectory).Order(StringComparer.Ordinal))
        {
            Import(certificates, file, "Mirror:VaultCaCertificateDirectory");
        }

        return certificates.Count > 0
            ? certificates
            : throw new InvalidOperationException($"Mirror:VaultCaCertificateDirectory '{options.VaultCaCertificateDirectory}' holds no PEM files.");
    }

    private static void Import(X509Certificate2Collection certificates, string file, string setting)
    {
        var before = certificates.Count;
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{setting}: cannot read the CA certificates in '{file}': {exception.Message}", exception);
        }

        if (certificates.Count == before)
        {
            throw new InvalidOperationException($"{setting}: '{file}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
    }
}

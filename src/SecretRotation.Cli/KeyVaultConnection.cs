using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.Cli;

/// <summary>
/// How the tool reaches Key Vault: which Azure.Identity credential (<c>--credential</c>), which Microsoft Entra authority
/// (<c>--authority-host</c>, for sovereign clouds) and whether the challenge's resource is checked against the vault's host
/// (<c>--disable-challenge-resource-verification</c>, for emulators only). Key Vault's client takes the token scope from the
/// vault's 401 challenge, so no audience setting is needed (SecretClientOptions has none).
/// </summary>
internal sealed record KeyVaultConnection(string Credential, Uri? AuthorityHost, bool DisableChallengeResourceVerification)
{
    public const string DefaultCredential = "default";
    public const string WorkloadIdentity = "workload-identity";
    public const string ManagedIdentity = "managed-identity";
    public const string AzureCli = "azure-cli";
    public const string Environment = "environment";

    /// <summary>The <c>--credential</c> values.</summary>
    public static readonly string[] CredentialNames = [DefaultCredential, WorkloadIdentity, ManagedIdentity, AzureCli, Environment];

    /// <summary><c>DefaultAzureCredential</c>, the public cloud, challenge verification on.</summary>
    public static KeyVaultConnection Default { get; } = new(DefaultCredential, null, false);

    /// <summary>
    /// The credential: <c>DefaultAzureCredential</c>, <c>WorkloadIdentityCredential</c> (AZURE_CLIENT_ID, AZURE_TENANT_ID,
    /// AZURE_FEDERATED_TOKEN_FILE), <c>ManagedIdentityCredential</c> (user-assigned when AZURE_CLIENT_ID is set, else
    /// system-assigned), <c>AzureCliCredential</c> or <c>EnvironmentCredential</c>, each with <see cref="AuthorityHost"/>.
    /// </summary>
    public TokenCredential CreateCredential(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var clientId = NonEmpty(environment("AZURE_CLIENT_ID"));
        return Credential switch
        {
            DefaultCredential => new DefaultAzureCredential(Configure(new DefaultAzureCredentialOptions())),
            WorkloadIdentity => new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions
            {
                ClientId = clientId,
                TenantId = NonEmpty(environment("AZURE_TENANT_ID")),
                TokenFilePath = NonEmpty(environment("AZURE_FEDERATED_TOKEN_FILE")),
            })),
            ManagedIdentity => new ManagedIdentityCredential(Configure(new ManagedIdentityCredentialOptions(
                clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId)))),
            AzureCli => new AzureCliCredential(Configure(new AzureCliCredentialOptions())),
            Environment => new EnvironmentCredential(Configure(new EnvironmentCredentialOptions())),
            _ => throw new UsageException($"--credential '{Credential}' is not one of {string.Join(", ", CredentialNames)}."),
        };
    }

    /// <summary>The client options: <see cref="DisableChallengeResourceVerification"/> and nothing else changed.</summary>
    public SecretClientOptions CreateClientOptions() => new() { DisableChallengeResourceVerification = DisableChallengeResourceVerification };

    /// <summary>A Key Vault client for <paramref name="vaultUri"/> with this credential and these options.</summary>
    public SecretClient CreateClient(Uri vaultUri, Func<string, string?> environment) =>
        new(vaultUri, CreateCredential(environment), CreateClientOptions());

    /// <summary>Sets <see cref="AuthorityHost"/> on a credential's options when one was given.</summary>
    internal T Configure<T>(T options)
        where T : TokenCredentialOptions
    {
        if (AuthorityHost is not null)
        {
            options.AuthorityHost = AuthorityHost;
        }

        return options;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

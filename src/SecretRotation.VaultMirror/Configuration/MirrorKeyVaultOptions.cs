namespace SecretRotation.VaultMirror.Configuration;

/// <summary><c>Mirror:KeyVault</c>: how the mirror reaches Key Vault (credential, sovereign cloud, emulators).</summary>
public sealed class MirrorKeyVaultOptions
{
    /// <summary>The credential names <see cref="Credential"/> accepts (case-insensitive; <c>WorkloadIdentity</c> works too).</summary>
    public static IReadOnlyList<string> CredentialNames { get; } = ["default", "workload-identity", "managed-identity", "azure-cli", "environment"];

    /// <summary>
    /// <c>default</c> (DefaultAzureCredential), <c>workload-identity</c>, <c>managed-identity</c> (user-assigned when
    /// AZURE_CLIENT_ID is set), <c>azure-cli</c> or <c>environment</c>.
    /// </summary>
    public string Credential { get; set; } = "default";

    /// <summary>The Microsoft Entra authority for a sovereign cloud, e.g. <c>https://login.microsoftonline.us</c>; none: the public cloud (or AZURE_AUTHORITY_HOST).</summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>Accept a token challenge whose resource does not match the vault's host. For emulators only.</summary>
    public bool DisableChallengeResourceVerification { get; set; }

    /// <summary><see cref="Credential"/> as one of <see cref="CredentialNames"/>, or <see langword="null"/> when it is none of them.</summary>
    public string? NormalizedCredential
    {
        get
        {
            var compact = (Credential ?? string.Empty).Replace("-", string.Empty, StringComparison.Ordinal).Trim();
            return CredentialNames.FirstOrDefault(name => string.Equals(name.Replace("-", string.Empty, StringComparison.Ordinal), compact, StringComparison.OrdinalIgnoreCase));
        }
    }
}

using SecretRotation;

namespace AksSample;

/// <summary>How the app was started: which secret sources it reads, or the local demo with its own rotating stores.</summary>
/// <param name="Name"><c>demo</c>, or the sources read joined by <c>+</c> in precedence order: <c>mount</c>, <c>file</c>, <c>keyvault</c>, <c>vault</c> (e.g. <c>mount+keyvault</c>).</param>
/// <param name="MountPath">The secret directory the app reads, or <see langword="null"/> when it reads none.</param>
/// <param name="RenderedFile">The rendered secrets file (e.g. Vault Agent's <c>/vault/secrets/db.json</c>), or <see langword="null"/>.</param>
/// <param name="VaultUri">The Azure Key Vault the app reads (in the demo: the emulator's), or <see langword="null"/> when it reads none.</param>
/// <param name="HashiCorpVaultAddress">The HashiCorp Vault the app reads (in the demo: the emulator's), or <see langword="null"/>.</param>
/// <param name="HashiCorpVaultPaths">The Vault paths read and their sections, e.g. <c>secret/aks-sample/db -> Database</c>.</param>
/// <param name="ReadsDynamicCredentials">Whether a Vault path fills the <c>DynamicDatabase</c> section.</param>
public sealed record SampleMode(
    string Name,
    string? MountPath,
    string? RenderedFile,
    string? VaultUri,
    string? HashiCorpVaultAddress,
    IReadOnlyList<string> HashiCorpVaultPaths,
    bool ReadsDynamicCredentials)
{
    public const string MountPathKey = "Secrets:MountPath";

    public const string RenderedFileKey = "Secrets:RenderedFile";

    public bool IsDemo => Name == "demo";

    /// <summary>The Kubernetes Secret read through the API (watched), as <c>namespace/name</c> or <c>name</c>; or <see langword="null"/>.</summary>
    public string? KubernetesSecret { get; init; }

    public static SampleMode Demo(string mountPath, Uri vaultUri, Uri hashiCorpVaultAddress, IReadOnlyList<VaultSecretMapping> vaultMappings) =>
        new("demo", mountPath, null, vaultUri.AbsoluteUri, hashiCorpVaultAddress.AbsoluteUri, VaultOptions.Describe(vaultMappings), ReadsDynamic(vaultMappings));

    /// <summary>The mode for real sources: at least one of them is set.</summary>
    public static SampleMode Configured(
        string? mountPath, string? renderedFile, Uri? vaultUri, Uri? hashiCorpVaultAddress, IReadOnlyList<VaultSecretMapping> vaultMappings,
        string? kubernetesSecret = null)
    {
        ArgumentNullException.ThrowIfNull(vaultMappings);
        var parts = new List<string>(4);
        if (mountPath is not null)
        {
            parts.Add("mount");
        }

        if (renderedFile is not null)
        {
            parts.Add("file");
        }

        if (kubernetesSecret is not null)
        {
            parts.Add("kubernetes");
        }

        if (vaultUri is not null)
        {
            parts.Add("keyvault");
        }

        if (hashiCorpVaultAddress is not null)
        {
            parts.Add("vault");
        }

        if (parts.Count == 0)
        {
            throw new ArgumentException("Set a mount path, a rendered file, a Kubernetes Secret, a Key Vault URI or a Vault address.");
        }

        return new(
            string.Join('+', parts),
            mountPath,
            renderedFile,
            vaultUri?.AbsoluteUri,
            hashiCorpVaultAddress?.AbsoluteUri,
            hashiCorpVaultAddress is null ? [] : VaultOptions.Describe(vaultMappings),
            hashiCorpVaultAddress is not null && ReadsDynamic(vaultMappings))
        {
            KubernetesSecret = kubernetesSecret,
        };
    }

    private static bool ReadsDynamic(IEnumerable<VaultSecretMapping> mappings) =>
        mappings.Any(mapping => string.Equals(mapping.Section, DynamicDatabaseOptions.SectionName, StringComparison.OrdinalIgnoreCase));
}

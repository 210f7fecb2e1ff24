using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.Cli.Mirror;

/// <summary>The <c>mirror</c> options as given, turned into the Vault Mirror's <see cref="MirrorOptions"/> and checked as the service checks them.</summary>
internal sealed record MirrorArguments(
    string? KeyVaultUri,
    string? Prefix,
    IReadOnlyList<string> SecretNames,
    string? VaultAddress,
    string VaultMount,
    string VaultPathPrefix,
    string ValueField,
    string? TokenFile,
    string? KubernetesRole,
    DeletePolicy DeletePolicy)
{
    /// <summary>The service's setting names in its validation messages, and the options that set them here.</summary>
    private static readonly (string Setting, string Option)[] OptionNames =
    [
        ("Mirror:KeyVaultUri", "--key-vault-uri"),
        ("Mirror:VaultAddress", "--vault-address"),
        ("Mirror:VaultMount", "--vault-mount"),
        ("Mirror:VaultPathPrefix", "--vault-path-prefix"),
        ("Mirror:ValueField", "--value-field"),
        ("Mirror:Prefix", "--prefix"),
        ("Mirror:SecretNames", "--secret-names"),
    ];

    /// <exception cref="UsageException">An option is missing, malformed, or conflicts with another; nothing was done.</exception>
    public async Task<MirrorOptions> ToOptionsAsync(CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(KeyVaultUri))
        {
            throw new UsageException("Name the Key Vault to mirror: --key-vault-uri https://myvault.vault.azure.net/.");
        }

        if (!Uri.TryCreate(KeyVaultUri.Trim(), UriKind.Absolute, out var keyVault) || keyVault.Scheme != Uri.UriSchemeHttps)
        {
            throw new UsageException($"--key-vault-uri '{KeyVaultUri}' is not an https:// URL such as https://<name>.vault.azure.net/ (the vault's URI as the Azure portal shows it).");
        }

        if (KubernetesRole is not null && TokenFile is not null)
        {
            throw new UsageException("Choose one way to log in to Vault: --token-file (or VAULT_TOKEN) or --kubernetes-role.");
        }

        var options = new MirrorOptions
        {
            KeyVaultUri = keyVault,
            Prefix = string.IsNullOrEmpty(Prefix) ? null : Prefix,
            VaultAddress = VaultArguments.ResolveAddress(VaultAddress, context),
            VaultNamespace = VaultArguments.Namespace(context),
            VaultMount = VaultMount,
            VaultPathPrefix = VaultPathPrefix,
            ValueField = ValueField,
            DeletePolicy = DeletePolicy,
            Auth = KubernetesRole is not null
                ? new MirrorAuthOptions { Method = VaultAuthKind.Kubernetes, Role = KubernetesRole }
                : new MirrorAuthOptions { Method = VaultAuthKind.Token, Token = await VaultArguments.ReadTokenAsync(TokenFile, context, cancellationToken) },
        };
        foreach (var name in SecretNames.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            options.SecretNames.Add(name);
        }

        var problems = MirrorOptionsValidator.Check(options);
        if (problems.Count > 0)
        {
            throw new UsageException(string.Join(Environment.NewLine + "error: ", problems.Select(ToOptionNames)));
        }

        return options;
    }

    private static string ToOptionNames(string problem) =>
        OptionNames.Aggregate(problem, (message, names) => message.Replace(names.Setting, names.Option, StringComparison.Ordinal));
}

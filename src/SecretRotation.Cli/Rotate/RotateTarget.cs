using System.Text.RegularExpressions;

namespace SecretRotation.Cli.Rotate;

/// <summary>The secret to rotate: Key Vault (<c>--vault-uri</c>, <c>--name</c>) or Vault (<c>--path</c>, <c>--field</c>, <c>--vault-address</c>, <c>--token-file</c>).</summary>
internal sealed partial record RotateTarget(Uri? KeyVaultUri, string? Name, string? VaultAddress, string? Path, string? Field, string? TokenFile)
{
    public static RotateTarget From(string? vaultUri, string? name, string? vaultAddress, string? path, string? field, string? tokenFile)
    {
        var keyVault = vaultUri is not null || name is not null;
        var vault = path is not null || field is not null;
        if (keyVault && vault)
        {
            throw new UsageException("Choose one store: --vault-uri with --name (Azure Key Vault), or --path with --field (HashiCorp Vault).");
        }

        if (!keyVault && !vault)
        {
            throw new UsageException("Name the secret to rotate: --vault-uri and --name (Azure Key Vault), or --path and --field (HashiCorp Vault).");
        }

        if (keyVault)
        {
            if (vaultUri is null || name is null)
            {
                throw new UsageException("Azure Key Vault needs both --vault-uri and --name.");
            }

            if (vaultAddress is not null || tokenFile is not null)
            {
                throw new UsageException("--vault-address and --token-file are for HashiCorp Vault; Key Vault uses --credential (default: DefaultAzureCredential).");
            }

            if (!Uri.TryCreate(vaultUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new UsageException($"--vault-uri '{vaultUri}' is not an https:// URL such as https://<name>.vault.azure.net/ (the vault's URI as the Azure portal shows it).");
            }

            if (!KeyVaultSecretName().IsMatch(name))
            {
                throw new UsageException($"--name '{name}' is not a Key Vault secret name (1-127 characters of 0-9, a-z, A-Z and '-').");
            }

            return new RotateTarget(uri, name, null, null, null, null);
        }

        if (path is null || field is null)
        {
            throw new UsageException("HashiCorp Vault needs both --path (e.g. secret/myapp/db) and --field (e.g. password).");
        }

        var trimmedPath = path.Trim().Trim('/');
        if (trimmedPath.Length == 0 || field.Length == 0)
        {
            throw new UsageException("--path and --field must not be empty.");
        }

        return new RotateTarget(null, null, vaultAddress, trimmedPath, field, tokenFile);
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex KeyVaultSecretName();
}

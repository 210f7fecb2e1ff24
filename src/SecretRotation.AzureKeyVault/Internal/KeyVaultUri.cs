namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>Checks a vault URI before the Azure SDK sees it, so a wrong one fails with a message that shows the expected form.</summary>
internal static class KeyVaultUri
{
    /// <summary>The form every message shows.</summary>
    public const string Expected = "https://<name>.vault.azure.net/";

    /// <exception cref="ArgumentException"><paramref name="vaultUri"/> is relative (no scheme) or not https.</exception>
    public static void Validate(Uri vaultUri, string parameterName)
    {
        if (!vaultUri.IsAbsoluteUri)
        {
            throw new ArgumentException(
                $"The Key Vault URI '{vaultUri.OriginalString}' has no scheme: write the vault's full URI, {Expected} (the Azure portal shows it as 'Vault URI').",
                parameterName);
        }

        if (vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException(
                $"The Key Vault URI '{vaultUri.OriginalString}' is not an https:// URL such as {Expected}: Key Vault is reached over HTTPS only.",
                parameterName);
        }
    }
}

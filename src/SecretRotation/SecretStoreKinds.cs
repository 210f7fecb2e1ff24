namespace SecretRotation;

/// <summary>
/// The <see cref="SecretChangeNotice.StoreKind"/> values the shipped sources answer to. A source of your own may use any other
/// name; compare kinds ordinally, ignoring case.
/// </summary>
/// <example>
/// <code>
/// var notice = new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "myvault.vault.azure.net", "Db--Password");
/// </code>
/// </example>
public static class SecretStoreKinds
{
    /// <summary>
    /// Azure Key Vault: <see cref="SecretChangeNotice.Store"/> is the vault's host (<c>myvault.vault.azure.net</c>, with the
    /// port when it is not 443) or its name (<c>myvault</c>).
    /// </summary>
    public const string AzureKeyVault = "AzureKeyVault";
}

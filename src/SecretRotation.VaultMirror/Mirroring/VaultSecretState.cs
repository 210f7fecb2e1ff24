namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>What Vault's KV v2 metadata says of one mirrored path: its current version and the Key Vault version it records.</summary>
internal sealed record VaultSecretState(bool Exists, long CurrentVersion, bool CurrentDeleted, IReadOnlyDictionary<string, string> CustomMetadata)
{
    public const string KeyVaultVersionKey = "keyvault_version";
    public const string KeyVaultUpdatedKey = "keyvault_updated";
    public const string MirroredByKey = "mirrored_by";
    public const string MirroredByValue = "secret-rotation-vault-mirror";

    public static VaultSecretState Missing { get; } = new(false, 0, false, new Dictionary<string, string>(StringComparer.Ordinal));

    public string? KeyVaultVersion => CustomMetadata.TryGetValue(KeyVaultVersionKey, out var v) ? v : null;

    public string? KeyVaultUpdated => CustomMetadata.TryGetValue(KeyVaultUpdatedKey, out var v) ? v : null;

    /// <summary>Whether the current Vault version holds (undeleted) the Key Vault version <paramref name="version"/>.</summary>
    public bool Holds(string? version) =>
        Exists && !CurrentDeleted && version is not null && string.Equals(KeyVaultVersion, version, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the current Vault version was mirrored from a Key Vault secret last updated at <paramref name="updated"/>.</summary>
    public bool WasUpdatedAt(DateTimeOffset? updated) =>
        Exists && !CurrentDeleted && KeyVaultVersion is not null && updated is { } u && KeyVaultUpdated == FormatUpdated(u);

    public static string FormatUpdated(DateTimeOffset updated) =>
        updated.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>
/// What Vault's KV v2 metadata says of one mirrored path: its current version, the Key Vault version it records, and the Vault
/// version the mirror wrote it as (<c>vault_version</c>): when the current version is another one, someone else wrote the path.
/// </summary>
internal sealed record VaultSecretState(bool Exists, long CurrentVersion, bool CurrentDeleted, IReadOnlyDictionary<string, string> CustomMetadata)
{
    public const string KeyVaultVersionKey = "keyvault_version";
    public const string KeyVaultUpdatedKey = "keyvault_updated";
    public const string VaultVersionKey = "vault_version";
    public const string MirroredByKey = "mirrored_by";
    public const string MirroredByValue = "secret-rotation-vault-mirror";

    public static VaultSecretState Missing { get; } = new(false, 0, false, new Dictionary<string, string>(StringComparer.Ordinal));

    public string? KeyVaultVersion => CustomMetadata.TryGetValue(KeyVaultVersionKey, out var v) ? v : null;

    public string? KeyVaultUpdated => CustomMetadata.TryGetValue(KeyVaultUpdatedKey, out var v) ? v : null;

    /// <summary>The Vault version the mirror wrote last, as recorded; <see langword="null"/> when not recorded.</summary>
    public long? MirroredVaultVersion =>
        CustomMetadata.TryGetValue(VaultVersionKey, out var v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    /// <summary>Whether the current Vault version is undeleted and is the one the mirror wrote (so the record describes it).</summary>
    public bool CurrentIsMirrored => Exists && !CurrentDeleted && MirroredVaultVersion == CurrentVersion;

    /// <summary>
    /// Whether someone else wrote a new version after the mirror's write (<c>vault kv put</c> by hand): the current version is live
    /// and is not the one recorded. A crash between the mirror's write and its record looks the same.
    /// </summary>
    public bool ChangedByOthers => Exists && !CurrentDeleted && MirroredVaultVersion is { } mirrored && mirrored != CurrentVersion;

    /// <summary>Whether the current Vault version is the mirror's write of the Key Vault version <paramref name="version"/>.</summary>
    public bool Holds(string? version) =>
        CurrentIsMirrored && version is not null && string.Equals(KeyVaultVersion, version, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the current Vault version is the mirror's write of a Key Vault secret last updated at <paramref name="updated"/>.</summary>
    public bool WasUpdatedAt(DateTimeOffset? updated) =>
        CurrentIsMirrored && KeyVaultVersion is not null && updated is { } u && KeyVaultUpdated == FormatUpdated(u);

    public static string FormatUpdated(DateTimeOffset updated) =>
        updated.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

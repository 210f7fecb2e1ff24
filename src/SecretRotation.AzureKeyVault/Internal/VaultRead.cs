namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>What one read found, applied to the reader's state only when the read succeeded.</summary>
/// <param name="Loaded">The secrets loaded now, by name.</param>
/// <param name="NextValidFrom">The earliest future <c>nbf</c> of a secret left out for it.</param>
/// <param name="Listed">The names the vault listed (that the mapper may include), when this read listed the vault.</param>
/// <param name="ListingDue">When notices for unlisted names asked for a listing that had to wait (listings are spaced out).</param>
internal readonly record struct VaultRead(
    Dictionary<string, LoadedSecret> Loaded,
    DateTimeOffset? NextValidFrom,
    HashSet<string>? Listed = null,
    DateTimeOffset? ListingDue = null);

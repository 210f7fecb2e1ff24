namespace SecretRotation.HashiCorpVault.Reading;

/// <summary>What we know of one mapped path after the last successful read. Immutable: a failed read changes nothing.</summary>
internal sealed record PathState(
    VaultSecretKind Kind,
    string ReadPath,
    string? MetadataPath,
    IReadOnlyList<KeyValuePair<string, string>> Fields,
    long? Version = null,
    string? LeaseId = null,
    TimeSpan? LeaseIncrement = null,
    DateTimeOffset? NextActionAt = null,
    PathAction NextAction = PathAction.Poll,
    bool MetadataDenied = false,
    bool Loaded = false,
    int TokenGeneration = 0)
{
    /// <summary>Lease ids allow renew and revoke: kept out of ToString.</summary>
    public override string ToString() => $"PathState {{ {Kind} {ReadPath}, fields {Fields.Count}, version {Version}, next {NextAction} at {NextActionAt:O} }}";
}

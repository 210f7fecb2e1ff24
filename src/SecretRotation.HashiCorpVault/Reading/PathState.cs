namespace SecretRotation.HashiCorpVault.Reading;

/// <summary>
/// What we know of one mapped path after its last successful read. Immutable: a failed read of the path changes nothing,
/// and a failure on another path does not undo it (its lease and version are kept).
/// </summary>
/// <remarks>
/// <see cref="Kind"/> is <see cref="VaultSecretKind.Auto"/> until the first read decides, when the mount probe could not tell
/// (<see cref="UndecidedBecause"/> says why). <see cref="VersionGone"/>: KV v2's current version is soft-deleted or destroyed,
/// so the path has no keys until it is undeleted or written again. <see cref="TokenGeneration"/>: the login under which the
/// lease was read, or under which the metadata was found denied. <see cref="NextActionDue"/> is a
/// <see cref="TimeProvider.GetTimestamp"/> (monotonic: a wall-clock jump neither hurries nor stalls renewals).
/// </remarks>
internal sealed record PathState(
    VaultSecretKind Kind,
    string ReadPath,
    string? MetadataPath,
    IReadOnlyList<KeyValuePair<string, string>> Fields,
    long? Version = null,
    string? LeaseId = null,
    TimeSpan? LeaseIncrement = null,
    long? NextActionDue = null,
    PathAction NextAction = PathAction.Poll,
    bool MetadataDenied = false,
    bool Loaded = false,
    int TokenGeneration = 0,
    bool VersionGone = false,
    string? UndecidedBecause = null)
{
    /// <summary>Lease ids allow renew and revoke: kept out of ToString.</summary>
    public override string ToString() => $"PathState {{ {Kind} {ReadPath}, fields {Fields.Count}, version {Version}, gone {VersionGone}, next {NextAction} }}";
}

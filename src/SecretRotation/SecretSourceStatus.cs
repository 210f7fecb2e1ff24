namespace SecretRotation;

/// <summary>A snapshot of one provider's health, for health checks and operators. Holds no secret.</summary>
/// <param name="SourceName">The source's name.</param>
/// <param name="IsOptional">Whether the source was added as optional.</param>
/// <param name="HasLoaded">Whether any read has succeeded yet.</param>
/// <param name="KeyCount">How many keys the provider serves now.</param>
/// <param name="LastSuccess">When the last read succeeded.</param>
/// <param name="LastFailure">When the last read failed.</param>
/// <param name="ConsecutiveFailures">Failed reads since the last success.</param>
/// <param name="LastError">The last failure's message (never a value), or <see langword="null"/>.</param>
/// <param name="KeysNearExpiry">Keys whose secret expires in its store within the source's expiry warning window (or has expired).</param>
public sealed record SecretSourceStatus(
    string SourceName,
    bool IsOptional,
    bool HasLoaded,
    int KeyCount,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastFailure,
    int ConsecutiveFailures,
    string? LastError,
    IReadOnlyList<string> KeysNearExpiry)
{
    // A status line stays one readable line however many keys a vault holds near expiry.
    private const int KeysNearExpiryShown = 10;

    /// <inheritdoc />
    /// <remarks>Names at most 10 keys near expiry, then how many more there are.</remarks>
    public override string ToString() =>
        $"{SourceName}: loaded={HasLoaded}, keys={KeyCount}, lastSuccess={LastSuccess:O}, consecutiveFailures={ConsecutiveFailures}, nearExpiry=[{NearExpiryText()}]";

    private string NearExpiryText() =>
        KeysNearExpiry.Count <= KeysNearExpiryShown
            ? string.Join(", ", KeysNearExpiry)
            : $"{string.Join(", ", KeysNearExpiry.Take(KeysNearExpiryShown))}, +{KeysNearExpiry.Count - KeysNearExpiryShown} more";
}

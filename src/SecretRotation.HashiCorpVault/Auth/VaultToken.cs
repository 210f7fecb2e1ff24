namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>
/// A Vault token and what is known of its lifetime, timed on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) so a
/// wall-clock jump neither kills it early nor keeps it alive past its TTL. <see cref="ToString"/> never shows the token.
/// </summary>
internal sealed class VaultToken(string value, long obtainedAt, TimeSpan? ttl, bool renewable)
{
    public string Value { get; } = value;

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> at which it was obtained or last renewed.</summary>
    public long ObtainedAt { get; } = obtainedAt;

    /// <summary>How long it lived when obtained or last renewed; <see langword="null"/> when it never expires or is unknown.</summary>
    public TimeSpan? Ttl { get; } = ttl;

    public bool Renewable { get; } = renewable;

    public TimeSpan Age(TimeProvider time) => time.GetElapsedTime(ObtainedAt);

    /// <summary>Whether its TTL has run out (never, when the TTL is unknown).</summary>
    public bool IsExpired(TimeProvider time) => Ttl is { } ttl && Age(time) >= ttl;

    public override string ToString() => $"VaultToken {{ Ttl = {Ttl}, Renewable = {Renewable} }}";
}

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>A Vault token and what is known of its lifetime. <see cref="ToString"/> never shows the token.</summary>
internal sealed class VaultToken(string value, DateTimeOffset obtainedAt, TimeSpan? ttl, bool renewable)
{
    public string Value { get; } = value;

    public DateTimeOffset ObtainedAt { get; } = obtainedAt;

    /// <summary>How long it lived when obtained or last renewed; <see langword="null"/> when it never expires or is unknown.</summary>
    public TimeSpan? Ttl { get; } = ttl;

    public bool Renewable { get; } = renewable;

    public DateTimeOffset? ExpiresAt => Ttl is { } ttl ? ObtainedAt + ttl : null;

    public override string ToString() => $"VaultToken {{ ObtainedAt = {ObtainedAt:O}, Ttl = {Ttl}, Renewable = {Renewable} }}";
}

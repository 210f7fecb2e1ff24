namespace SecretRotation.Testing;

/// <summary>A token entry (<c>logical.TokenEntry</c> plus its lease times).</summary>
internal sealed class VaultToken
{
    public required string Id { get; init; }

    public required string Accessor { get; init; }

    public required IReadOnlyList<string> Policies { get; init; }

    /// <summary>The path that created it: <c>auth/token/root</c>, <c>auth/token/create</c>, <c>auth/kubernetes/login</c>...</summary>
    public required string Path { get; init; }

    public required string DisplayName { get; init; }

    /// <summary><c>meta</c>; <see langword="null"/> (JSON <c>null</c>) for tokens created directly.</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    public required DateTimeOffset CreationTime { get; init; }

    public TimeSpan CreationTtl { get; init; }

    public TimeSpan ExplicitMaxTtl { get; init; }

    /// <summary>The auth role's TTL, used as the TTL of a renewal without an increment; <see langword="null"/> for token-store tokens (which reuse the last TTL).</summary>
    public TimeSpan? RoleTtl { get; init; }

    public TimeSpan RoleMaxTtl { get; init; }

    public bool Renewable { get; init; }

    /// <summary>Whether the token has a lease (every token but the root token).</summary>
    public bool HasLease { get; init; }

    /// <summary>When the token expires; <see langword="null"/> for a token without a lease.</summary>
    public DateTimeOffset? ExpireTime { get; set; }

    public DateTimeOffset? LastRenewalTime { get; set; }

    /// <summary>The TTL granted last (at creation or by the latest renewal).</summary>
    public TimeSpan GrantedTtl { get; set; }

    public bool Orphan { get; init; }

    public string EntityId { get; init; } = string.Empty;

    public bool IsExpired(DateTimeOffset now) => ExpireTime is DateTimeOffset expire && now >= expire;
}

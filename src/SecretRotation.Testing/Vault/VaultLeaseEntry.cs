namespace SecretRotation.Testing;

/// <summary>A lease on dynamic database credentials, tied to the token that read them.</summary>
internal sealed class VaultLeaseEntry
{
    public required string LeaseId { get; init; }

    /// <summary>The request path that made the lease, e.g. <c>database/creds/app</c>.</summary>
    public required string Path { get; init; }

    public required string Username { get; init; }

    public required string Password { get; init; }

    /// <summary>The token that read the credentials; its revocation or expiry revokes the lease.</summary>
    public required string TokenId { get; init; }

    public required DateTimeOffset IssueTime { get; init; }

    public required DateTimeOffset ExpireTime { get; set; }

    public DateTimeOffset? LastRenewalTime { get; set; }

    /// <summary>The role's default TTL: the TTL of a renewal without an increment.</summary>
    public required TimeSpan DefaultTtl { get; init; }

    public required TimeSpan MaxTtl { get; init; }

    public VaultLease ToPublic() => new()
    {
        LeaseId = LeaseId,
        Path = Path,
        IssueTime = IssueTime,
        ExpireTime = ExpireTime,
        LastRenewalTime = LastRenewalTime,
        Renewable = true,
        Username = Username,
    };
}

namespace SecretRotation.Testing;

/// <summary>A lease on dynamic database credentials, tied to the token that read them.</summary>
internal sealed class VaultLeaseEntry
{
    /// <summary>What <see cref="VaultEmulator.ActiveLeases"/> lists: id, issuing path, times and username. A renewal replaces it.</summary>
    public required VaultLease Lease { get; set; }

    public string LeaseId => Lease.LeaseId;

    public required string Password { get; init; }

    /// <summary>The token that read the credentials; its revocation or expiry revokes the lease.</summary>
    public required string TokenId { get; init; }

    /// <summary>The role's default TTL: the TTL of a renewal without an increment.</summary>
    public required TimeSpan DefaultTtl { get; init; }

    public required TimeSpan MaxTtl { get; init; }

    /// <summary>The role that issued the lease when it has a real database (its revocation statements run when the lease ends).</summary>
    public VaultDatabaseRole? Role { get; init; }

    /// <summary>With a real database: the timer that expires the lease on the emulator clock.</summary>
    public ITimer? ExpiryTimer { get; set; }

    /// <summary>Records a renewal at <paramref name="now"/> that leaves <paramref name="ttl"/> to live.</summary>
    public void Renew(DateTimeOffset now, TimeSpan ttl) => Lease = Lease with { ExpireTime = now + ttl, LastRenewalTime = now };
}

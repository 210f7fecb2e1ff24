namespace SecretRotation.Testing;

/// <summary>A live lease on dynamic database credentials, as listed by <see cref="VaultEmulator.ActiveLeases"/>.</summary>
public sealed record VaultLease
{
    internal VaultLease()
    {
    }

    /// <summary>The lease id, <c>{mount}/creds/{role}/{24 base62 characters}</c>.</summary>
    public required string LeaseId { get; init; }

    /// <summary>The path that issued the lease, e.g. <c>database/creds/app</c>.</summary>
    public required string Path { get; init; }

    /// <summary>When the credentials were issued (emulator clock).</summary>
    public required DateTimeOffset IssueTime { get; init; }

    /// <summary>When the lease expires unless renewed (emulator clock).</summary>
    public required DateTimeOffset ExpireTime { get; init; }

    /// <summary>When the lease was last renewed, or <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastRenewalTime { get; init; }

    /// <summary>Whether the lease can be renewed (always <see langword="true"/> for database credentials).</summary>
    public required bool Renewable { get; init; }

    /// <summary>The issued username.</summary>
    public required string Username { get; init; }
}

namespace SecretRotation.Testing;

/// <summary>Settings for a <see cref="KeyVaultEmulator"/>.</summary>
public sealed class KeyVaultEmulatorOptions
{
    /// <summary>The clock for the <c>created</c>, <c>updated</c>, <c>deletedDate</c> and <c>scheduledPurgeDate</c> attributes (whole Unix seconds).</summary>
    /// <value>Default <see cref="TimeProvider.System"/>. Latency and <c>Retry-After</c> always run on the real clock.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Whether a delete removes a secret for good, as in a vault without soft delete.</summary>
    /// <value>
    /// Default <see langword="false"/>: soft delete, which every vault now has. A deleted secret disappears from get and list,
    /// <c>GET /deletedsecrets/{name}</c> finds it, and its name stays reserved (a set answers 409 <c>ObjectIsDeletedButRecoverable</c>)
    /// until it is purged or recovered. With <see langword="true"/> the recovery level is <c>Purgeable</c>, the delete response has no
    /// <c>recoveryId</c> and the name can be reused at once.
    /// </value>
    public bool PurgeOnDelete { get; set; }

    /// <summary>The tenant named in the <c>WWW-Authenticate</c> challenge; the SDK passes it to the credential.</summary>
    /// <value>Default <c>5f0c3e7a-3b1d-4c2e-9a6f-0d1e2c3b4a59</c>, a made-up tenant.</value>
    public Guid TenantId { get; set; } = new("5f0c3e7a-3b1d-4c2e-9a6f-0d1e2c3b4a59");

    /// <summary>Delay added to every request before it is answered (for benchmarks, e.g. 20 ms).</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>. Can be changed later through <see cref="KeyVaultEmulator.Latency"/>.</value>
    public TimeSpan Latency { get; set; }

    /// <summary>Key Vault's published limit for secrets: 4,000 transactions per 10 seconds per vault (and region).</summary>
    public const int PublishedTransactionLimit = 4000;

    /// <summary>
    /// How many authenticated requests the vault accepts in any 10 seconds (on <see cref="TimeProvider"/>) before it answers
    /// <c>429 Too Many Requests</c> with a <c>Retry-After</c> header (whole seconds until the window has room) and the
    /// service's <c>Throttled</c> / <c>VaultRequestTypeLimitReached</c> error body, or <see langword="null"/> for no limit.
    /// Refused requests do not count against the limit, as the service documents; the 401 challenge does not count either.
    /// Use <see cref="PublishedTransactionLimit"/> to behave like the service.
    /// </summary>
    /// <value>Default <see langword="null"/> (no throttling).</value>
    public int? TransactionLimit { get; set; }
}

namespace SecretRotation;

/// <summary>How a Vault path is read and kept current.</summary>
public enum VaultSecretKind
{
    /// <summary>
    /// Asks Vault (<c>sys/internal/ui/mounts</c>): KV v2, KV v1, or any other engine read as <see cref="Leased"/>. When that
    /// probe cannot tell (404 from a proxy or an old Vault, 403, no engine type), the path's first read decides: a lease means
    /// <see cref="Leased"/>, a KV v2 answer or a KV v2 mount's 404 means <see cref="KvV2"/>, anything else <see cref="KvV1"/>.
    /// The decision is logged; state the kind to skip the guess.
    /// </summary>
    Auto = 0,

    /// <summary>KV v1: read as is; a <c>ttl</c> field in the data sets when it is read again, otherwise it is polled.</summary>
    KvV1 = 1,

    /// <summary>KV v2 (the path's first segment is the mount): polled through its metadata, read in full only when the version moved.</summary>
    KvV2 = 2,

    /// <summary>Any path that returns a lease (dynamic secrets such as <c>database/creds/{role}</c>): renewed, then re-read before it ends.</summary>
    Leased = 3,
}

namespace SecretRotation.HashiCorpVault.Reading;

/// <summary>What a path needs next on the clock.</summary>
internal enum PathAction
{
    /// <summary>Nothing on the clock: the poll checks it.</summary>
    Poll = 0,

    /// <summary>Renew its lease.</summary>
    RenewLease = 1,

    /// <summary>Read it again (a lease that cannot be renewed further, or a KV v1 ttl).</summary>
    Reread = 2,
}

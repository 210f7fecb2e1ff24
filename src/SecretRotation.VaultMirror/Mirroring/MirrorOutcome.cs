namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>What reconciling one secret did.</summary>
public enum MirrorOutcome
{
    /// <summary>A new Vault version was written.</summary>
    Mirrored,

    /// <summary>
    /// Vault's current version was not the one the mirror wrote (edited by hand, or by another writer): Key Vault's latest version
    /// was written back with check-and-set.
    /// </summary>
    Repaired,

    /// <summary>Vault already held the Key Vault version (possibly after recording it in <c>custom_metadata</c> only).</summary>
    Skipped,

    /// <summary>Disabled, expired or deleted in Key Vault; the Vault copy was kept (policy Keep).</summary>
    Inactive,

    /// <summary>Disabled, expired or deleted in Key Vault; the latest Vault version was soft-deleted (policy Delete).</summary>
    Removed,

    /// <summary>Not mirrored (outside the configured scope).</summary>
    Ignored,

    /// <summary>Someone else wrote the Vault path between the read and the write; nothing was overwritten.</summary>
    Conflict,

    /// <summary>Key Vault or Vault failed; the next pass retries.</summary>
    Failed,
}

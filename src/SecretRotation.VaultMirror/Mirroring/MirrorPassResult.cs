namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>The counts of one full reconciliation pass.</summary>
internal sealed record MirrorPassResult(int Mirrored, int Skipped, int Removed, int Failed, bool ListingFailed)
{
    /// <summary>Everything listed was reconciled and nothing failed.</summary>
    public bool Succeeded => Failed == 0 && !ListingFailed;

    /// <summary>Vault copies changed by someone else and written back from Key Vault (not counted in <see cref="Mirrored"/>).</summary>
    public int Repaired { get; init; }

    /// <summary>Each secret reconciled in the pass (names only, never values), in the order reconciled.</summary>
    public IReadOnlyList<KeyValuePair<string, MirrorOutcome>> Secrets { get; init; } = [];
}

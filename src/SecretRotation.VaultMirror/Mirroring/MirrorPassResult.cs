namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>The counts of one full reconciliation pass.</summary>
/// <param name="Mirrored">Secrets written as a new Vault version.</param>
/// <param name="Skipped">Secrets already up to date (or inactive and kept).</param>
/// <param name="Removed">Vault copies soft-deleted by the Delete policy.</param>
/// <param name="Failed">Secrets not mirrored because of an error or a check-and-set conflict.</param>
/// <param name="ListingFailed">Whether listing Key Vault or Vault failed.</param>
public sealed record MirrorPassResult(int Mirrored, int Skipped, int Removed, int Failed, bool ListingFailed)
{
    /// <summary>Everything listed was reconciled and nothing failed.</summary>
    public bool Succeeded => Failed == 0 && !ListingFailed;

    /// <summary>Vault copies changed by someone else and written back from Key Vault (not counted in <see cref="Mirrored"/>).</summary>
    public int Repaired { get; init; }

    /// <summary>Each secret reconciled in the pass (names only, never values), in the order reconciled.</summary>
    public IReadOnlyList<KeyValuePair<string, MirrorOutcome>> Secrets { get; init; } = [];
}

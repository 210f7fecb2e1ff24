namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>What one <c>fleet-vault</c> run of N replicas measured, phase by phase.</summary>
internal sealed class VaultFleetResult
{
    public VaultFleetCounts Rollout { get; set; } = null!;

    public double RolloutSeconds { get; set; }

    public int FailedStarts { get; set; }

    public VaultFleetCounts Steady { get; set; } = null!;

    /// <summary>Minutes 30-50 after the rollout began, or <see langword="null"/> when that phase was not run.</summary>
    public VaultFleetCounts? Renewals { get; set; }

    public VaultWriteResult Write { get; set; } = null!;
}

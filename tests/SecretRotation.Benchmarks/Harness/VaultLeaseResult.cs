namespace SecretRotation.Benchmarks.Harness;

/// <summary>What one dynamic-credential case of <see cref="VaultLeaseCost"/> measured.</summary>
/// <param name="Run">The pod's run.</param>
/// <param name="MaxTtl">The database role's max TTL.</param>
/// <param name="CredsReads">Reads of the credentials path, Build()'s included.</param>
/// <param name="ExpectedReads">One per lease period begun in the window: 1 + whole max TTLs in it.</param>
/// <param name="Margins">For each re-read, how long before the old lease's expiry it came.</param>
/// <param name="LapsedAt">The first step after which the configuration's username had no live lease, or <see langword="null"/>.</param>
/// <param name="Events">Reads and renewals, one line each, for the report.</param>
/// <param name="Problems">What went wrong (should be empty).</param>
internal sealed record VaultLeaseResult(
    VaultRun Run,
    TimeSpan MaxTtl,
    int CredsReads,
    int ExpectedReads,
    IReadOnlyList<TimeSpan> Margins,
    TimeSpan? LapsedAt,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Problems);

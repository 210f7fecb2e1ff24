namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>One KV write seen by the fleet: the traffic until every replica served it, and the staleness in seconds.</summary>
internal sealed record VaultWriteResult(VaultFleetCounts Traffic, int Stale, double P50, double P99, double Max);

namespace SecretRotation.Benchmarks.Harness;

/// <summary>What one scheduled poll of a Key Vault source did.</summary>
/// <param name="Requests">The requests the emulator answered during the poll.</param>
/// <param name="Reads">Source reads the engine performed (one per poll is expected).</param>
/// <param name="Reloads">Reload-token firings.</param>
/// <param name="Failed">Whether the source reported a failed read afterwards.</param>
internal sealed record PollCycle(RequestCounts Requests, int Reads, int Reloads, bool Failed);

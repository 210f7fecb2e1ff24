namespace SecretRotation.Benchmarks.Harness.TlsRotation;

/// <summary>What a <see cref="TlsLoad"/> measured between its start and stop.</summary>
internal sealed record TlsLoadResult(int Requests, int Failed, double Seconds, LatencySummary? Latency, int Handshakes, string? FirstFailure)
{
    public double Throughput => (Requests - Failed) / Seconds;
}

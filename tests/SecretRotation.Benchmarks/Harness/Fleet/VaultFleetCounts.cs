namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>Requests per kind over a span of the simulation, the busiest 10 s (all kinds) and the busiest 10 s of each kind.</summary>
internal sealed record VaultFleetCounts(int[] ByKind, int PeakPer10s, int[] PeakByKind, double Seconds)
{
    public const int Kinds = (int)VaultFleetKind.Errors + 1;

    public int this[VaultFleetKind kind] => ByKind[(int)kind];

    /// <summary>Every request (errors are counted once, under their kind).</summary>
    public int Requests => ByKind.Take((int)VaultFleetKind.Errors).Sum();

    public int Peak(VaultFleetKind kind) => PeakByKind[(int)kind];

    public double PerSecond(VaultFleetKind kind) => Seconds <= 0 ? 0 : this[kind] / Seconds;

    public double PerSecond() => Seconds <= 0 ? 0 : Requests / Seconds;
}

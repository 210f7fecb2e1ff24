namespace SecretRotation.Benchmarks.Harness;

/// <summary>What the push-latency part measured over its rotations (the warm-up rotations are not in it).</summary>
/// <param name="Rotations">Rotations measured.</param>
/// <param name="ToOnChange">Per seen rotation: ms from just before the POST to the <c>IOptionsMonitor.OnChange</c> callback carrying the new value.</param>
/// <param name="PostRoundTrips">Per rotation: ms from just before the POST to its answer (the endpoint answers after the refresh).</param>
/// <param name="Statuses">The POSTs' answers by HTTP status (<c>error</c> when there was none).</param>
/// <param name="GetsPerRotation">Per rotation: GETs of a secret the emulator answered.</param>
/// <param name="ListsPerRotation">Per rotation: List requests the emulator answered.</param>
/// <param name="TotalGets">GETs over all measured rotations, counted once more after the run had settled.</param>
/// <param name="TotalLists">List requests over all measured rotations, counted the same way.</param>
/// <param name="Callbacks">OnChange callbacks over the measured rotations.</param>
/// <param name="Reloads">Reload-token firings over the measured rotations.</param>
/// <param name="Reads">The engine's reads over the measured rotations, by trigger.</param>
internal sealed record PushLatencyRun(
    int Rotations,
    IReadOnlyList<double> ToOnChange,
    IReadOnlyList<double> PostRoundTrips,
    IReadOnlyDictionary<string, int> Statuses,
    IReadOnlyList<int> GetsPerRotation,
    IReadOnlyList<int> ListsPerRotation,
    int TotalGets,
    int TotalLists,
    int Callbacks,
    int Reloads,
    IReadOnlyDictionary<string, int> Reads)
{
    public int Missed => Rotations - ToOnChange.Count;

    public int Answered200 => Statuses.TryGetValue("200", out var count) ? count : 0;

    /// <summary>Every POST answered 200, every rotation cost exactly one GET and no List, and the totals agree.</summary>
    public bool CostsMet =>
        Answered200 == Rotations
        && GetsPerRotation.All(gets => gets == 1)
        && ListsPerRotation.All(lists => lists == 0)
        && TotalGets == Rotations
        && TotalLists == 0;
}

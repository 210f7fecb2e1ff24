namespace SecretRotation.Benchmarks.Harness;

/// <summary>What one source did over a series of kubelet-style swaps.</summary>
/// <param name="SourceName">The configuration source measured.</param>
/// <param name="Requested">Swaps asked for.</param>
/// <param name="Attempted">Swaps performed (fewer than requested when the run stopped early).</param>
/// <param name="FromWriteStart">Per seen swap: ms from just before <c>Write</c> started to the OnChange callback.</param>
/// <param name="FromWriteEnd">Per seen swap: ms from <c>Write</c> returning to the OnChange callback (a lower bound for rename to callback).</param>
/// <param name="WriteDurations">Per swap: ms the writer itself took.</param>
/// <param name="Callbacks">OnChange callbacks in total (ideally one per seen swap).</param>
/// <param name="Torn">Callbacks that carried a user from one version and a password from another (must be 0).</param>
/// <param name="StopReason">Why the run stopped before <paramref name="Requested"/> swaps, or <see langword="null"/>.</param>
internal sealed record LatencyRun(
    string SourceName,
    int Requested,
    int Attempted,
    IReadOnlyList<double> FromWriteStart,
    IReadOnlyList<double> FromWriteEnd,
    IReadOnlyList<double> WriteDurations,
    int Callbacks,
    int Torn,
    string? StopReason)
{
    public int Seen => FromWriteStart.Count;

    public int Missed => Attempted - Seen;
}

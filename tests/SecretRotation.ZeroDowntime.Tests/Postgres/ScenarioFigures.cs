using System.Globalization;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>What a scenario measured: queries, failures, latency percentiles (lease to result), rotations and revocations.</summary>
public sealed record ScenarioFigures(
    string Scenario, int Rotations, int Queries, int Failures, int Revocations, double P50Ms, double P99Ms, double MaxMs, TimeSpan Duration)
{
    public static ScenarioFigures From(string scenario, int rotations, IReadOnlyList<QueryRecord> records, int failures, int revocations)
    {
        var latencies = records.Select(record => record.LatencyMs).Order().ToArray();
        var duration = records.Count == 0 ? TimeSpan.Zero : records.Max(record => record.RanAt) - records.Min(record => record.RanAt);
        return new ScenarioFigures(
            scenario, rotations, records.Count, failures, revocations, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : latencies[^1], duration);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Scenario}: {Rotations} rotations in {Duration.TotalSeconds:F1} s, {Queries} queries ({Queries / Math.Max(0.001, Duration.TotalSeconds):F0}/s), "
        + $"{Failures} failed, {Revocations} revocations, latency p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms, max {MaxMs:F1} ms");

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

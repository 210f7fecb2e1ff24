using SecretRotation.ZeroDowntime.Tests.Postgres;

namespace SecretRotation.Benchmarks.Harness.PostgresRotation;

/// <summary>One phase of the PostgreSQL load: the queries and failures between two instants (server clock, same host).</summary>
internal sealed record PostgresPhase(int Queries, int Failed, double Seconds, LatencySummary? Latency, string? FirstFailure)
{
    public double Throughput => Queries / Seconds;

    public static PostgresPhase Of(ScenarioRun run, DateTime from, DateTime to)
    {
        var records = run.Records.Where(record => record.RanAt >= from && record.RanAt < to).ToList();
        var failures = run.Failures.Where(failure => failure.At >= from && failure.At < to).ToList();
        return new PostgresPhase(
            records.Count, failures.Count, (to - from).TotalSeconds, LatencySummary.From(records.Select(record => record.LatencyMs).ToList()),
            failures.Count == 0 ? null : failures[0].ToString());
    }
}

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// How long a rotation waits for the next poll when it lands at a uniformly random moment, computed (not waited) for a poll
/// interval drawn uniformly from <c>Interval × (1 ± Jitter)</c> after every poll, as the engine draws it.
/// </summary>
/// <remarks>
/// A random moment falls in an interval of length <c>t</c> with probability proportional to <c>t</c> (long intervals are hit
/// more often), and waits a uniform fraction of it. For <c>t</c> uniform on <c>[a, b]</c> with mean <c>m</c>, the wait
/// <c>W</c> has <c>P(W ≤ w) = w / m</c> for <c>w ≤ a</c>, <c>((w² − a²) / 2 + w (b − w)) / (m (b − a))</c> for
/// <c>a &lt; w &lt; b</c>, and mean <c>(m² + (b − a)² / 12) / (2 m)</c>; the longest wait is <c>b</c>.
/// </remarks>
internal sealed record PollWaitFigures(TimeSpan Interval, double Jitter, TimeSpan Mean, TimeSpan P50, TimeSpan P95, TimeSpan P99, TimeSpan Max)
{
    public TimeSpan Shortest => Interval * (1 - Jitter);

    public TimeSpan Longest => Interval * (1 + Jitter);

    public static PollWaitFigures Compute(TimeSpan interval, double jitter)
    {
        var a = interval.TotalMinutes * (1 - jitter);
        var b = interval.TotalMinutes * (1 + jitter);
        var mean = (a + b) / 2;
        double Cdf(double w) =>
            w <= a || b - a <= 0 ? Math.Min(w / mean, 1)
            : w >= b ? 1
            : (((w * w) - (a * a)) / 2 + (w * (b - w))) / (mean * (b - a));

        TimeSpan Percentile(double p)
        {
            double low = 0, high = b;
            for (var i = 0; i < 100; i++)
            {
                var middle = (low + high) / 2;
                if (Cdf(middle) < p)
                {
                    low = middle;
                }
                else
                {
                    high = middle;
                }
            }

            return TimeSpan.FromMinutes(high);
        }

        var meanWait = ((mean * mean) + ((b - a) * (b - a) / 12)) / (2 * mean);
        return new PollWaitFigures(interval, jitter, TimeSpan.FromMinutes(meanWait), Percentile(0.50), Percentile(0.95), Percentile(0.99), TimeSpan.FromMinutes(b));
    }
}

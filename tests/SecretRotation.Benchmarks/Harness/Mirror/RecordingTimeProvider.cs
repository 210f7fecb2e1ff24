using Microsoft.Extensions.Time.Testing;

namespace SecretRotation.Benchmarks.Harness.Mirror;

/// <summary>The fake clock as the mirror sees it, noting when each one-shot timer it creates is due (the poll worker's next pass).</summary>
internal sealed class RecordingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<DateTimeOffset> _dueTimes = [];

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period == Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero)
        {
            lock (_gate)
            {
                _dueTimes.Add(inner.GetUtcNow() + dueTime);
            }
        }

        return inner.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>The earliest due time after <paramref name="after"/> among the timers created so far, if any.</summary>
    public DateTimeOffset? NextDueAfter(DateTimeOffset after)
    {
        lock (_gate)
        {
            return _dueTimes.Where(d => d > after).Order().Cast<DateTimeOffset?>().FirstOrDefault();
        }
    }
}

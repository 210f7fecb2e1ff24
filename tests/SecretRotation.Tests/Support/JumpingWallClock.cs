using Microsoft.Extensions.Time.Testing;

namespace SecretRotation.Tests.Support;

/// <summary>
/// A clock whose wall time (<see cref="GetUtcNow"/>) can jump on its own, as a host's clock does when NTP or an operator
/// sets it, while its monotonic time (<see cref="GetTimestamp"/>) and its timers run on a <see cref="FakeTimeProvider"/>
/// that the test advances. (A <see cref="FakeTimeProvider"/> alone always moves both together.)
/// </summary>
public sealed class JumpingWallClock(FakeTimeProvider monotonic) : TimeProvider
{
    private long _wallOffsetTicks;

    /// <summary>The fake clock behind the timestamps and timers; advancing it moves the wall clock by as much.</summary>
    public FakeTimeProvider Monotonic => monotonic;

    public override TimeZoneInfo LocalTimeZone => monotonic.LocalTimeZone;

    public override long TimestampFrequency => monotonic.TimestampFrequency;

    /// <summary>Moves the wall clock only (negative: backwards); timestamps and timers do not notice.</summary>
    public void Jump(TimeSpan by) => Interlocked.Add(ref _wallOffsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => monotonic.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _wallOffsetTicks));

    public override long GetTimestamp() => monotonic.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        monotonic.CreateTimer(callback, state, dueTime, period);
}

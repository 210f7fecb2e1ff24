using Microsoft.Extensions.Time.Testing;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>A clock whose wall time can jump (an NTP step, a VM resume) while its monotonic timestamps and timers follow the fake clock.</summary>
internal sealed class JumpingClock(FakeTimeProvider inner) : TimeProvider
{
    public TimeSpan WallOffset { get; set; }

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + WallOffset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}

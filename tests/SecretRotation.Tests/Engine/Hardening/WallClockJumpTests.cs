using Microsoft.Extensions.Time.Testing;
using SecretRotation.Tests.Support;

namespace SecretRotation.Tests.Engine.Hardening;

/// <summary>
/// Polls, retries, lease reads and debounced watcher reads run on monotonic time: a jump of the wall clock (NTP, an
/// operator, a VM resumed from a snapshot) neither stops them nor makes them all come at once. Reads are stamped with the
/// fake monotonic clock, which never jumps.
/// </summary>
public sealed class WallClockJumpTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AfterTheWallClockJumpsBackADayThePollStillHappensOnTime()
    {
        var wall = new JumpingWallClock(new FakeTimeProvider(Start));
        using var harness = Create(new ScriptedSecretSource(), wall, s => s.PollInterval = TimeSpan.FromSeconds(60));
        await harness.Source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        wall.Jump(-TimeSpan.FromDays(1));
        var reads = await RunUntilAsync(harness, TimeSpan.FromSeconds(130));

        Assert.Equal([(60, RefreshTriggers.Poll), (120, RefreshTriggers.Poll)], reads);
    }

    [Fact]
    public async Task AfterTheWallClockJumpsBackADayTheRetryStillHappensOnTime()
    {
        var source = new ScriptedSecretSource();
        source.FailAlways();
        var wall = new JumpingWallClock(new FakeTimeProvider(Start));
        using var harness = Create(source, wall, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromSeconds(4);
            s.MaximumBackoff = TimeSpan.FromMinutes(5);
        });
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        wall.Jump(-TimeSpan.FromDays(1));
        var reads = await RunUntilAsync(harness, TimeSpan.FromSeconds(13));

        Assert.Equal([(4, RefreshTriggers.Retry), (12, RefreshTriggers.Retry)], reads);
    }

    [Fact]
    public async Task AfterTheWallClockJumpsBackADayALeaseIsStillReadAtItsRefreshByTime()
    {
        var source = new ScriptedSecretSource();
        var wall = new JumpingWallClock(new FakeTimeProvider(Start));
        var leases = 0;

        // A lease store: a poll finds the lease unchanged; the refresh-by read renews it for 30 s from the (wall) time of the read.
        source.Next = request => request.Triggers == RefreshTriggers.Poll
            ? request.Previous
            : new SecretSet([new("db:password", new SecretEntry($"p{++leases}", $"lease-{leases}", wall.GetUtcNow() + TimeSpan.FromSeconds(30)))]);
        using var harness = Create(source, wall, s => s.PollInterval = TimeSpan.FromSeconds(13));
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        wall.Jump(-TimeSpan.FromDays(1));
        var reads = await RunUntilAsync(harness, TimeSpan.FromSeconds(61));

        Assert.Equal(
            [(13, RefreshTriggers.Poll), (26, RefreshTriggers.Poll), (30, RefreshTriggers.RefreshBy), (39, RefreshTriggers.Poll), (52, RefreshTriggers.Poll), (60, RefreshTriggers.RefreshBy)],
            reads);
    }

    [Fact]
    public async Task AfterTheWallClockJumpsBackADayAWatcherEventIsStillReadAfterTheDebounce()
    {
        var wall = new JumpingWallClock(new FakeTimeProvider(Start));
        using var harness = Create(new ScriptedSecretSource(), wall, s => s.DebounceWindow = TimeSpan.FromMilliseconds(20));
        await harness.Source.NextReadAsync();

        harness.Source.FireWatcher();
        await harness.WhenIdleAsync();
        wall.Jump(-TimeSpan.FromDays(1));
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(20));
        var read = await harness.Source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Watcher, read.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(20), read.At);
    }

    [Fact]
    public async Task AWallClockJumpForwardByADayChangesNoReadTimes()
    {
        var source = new ScriptedSecretSource();
        var wall = new JumpingWallClock(new FakeTimeProvider(Start));
        source.Next = request => request.Triggers == RefreshTriggers.Poll
            ? request.Previous
            : new SecretSet([new("db:password", new SecretEntry("p", "lease", wall.GetUtcNow() + TimeSpan.FromSeconds(30)))]);
        using var harness = Create(source, wall, s => s.PollInterval = TimeSpan.FromSeconds(13));
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        wall.Jump(TimeSpan.FromDays(1));
        var reads = await RunUntilAsync(harness, TimeSpan.FromSeconds(61));

        Assert.Equal(
            [(13, RefreshTriggers.Poll), (26, RefreshTriggers.Poll), (30, RefreshTriggers.RefreshBy), (39, RefreshTriggers.Poll), (52, RefreshTriggers.Poll), (60, RefreshTriggers.RefreshBy)],
            reads);
    }

    /// <summary>An engine on a clock whose wall time can jump; no poll jitter and backoff jitter fixed at the middle, so reads come exactly on time.</summary>
    private static EngineHarness Create(ScriptedSecretSource source, JumpingWallClock wall, Action<ScriptedConfigurationSource> configure) =>
        new(source, s =>
        {
            s.TimeProvider = wall;
            s.PollJitter = 0;
            s.Randomizer = () => 0.5;
            configure(s);
        }, time: wall.Monotonic);

    /// <summary>Moves the monotonic clock a second at a time up to <paramref name="until"/> after the start; returns each read's second and triggers.</summary>
    private static async Task<List<(int Second, RefreshTriggers Triggers)>> RunUntilAsync(EngineHarness harness, TimeSpan until)
    {
        var reads = new List<(int, RefreshTriggers)>();
        for (var step = 0; step < 1000 && harness.Time.GetUtcNow() - Start < until; step++)
        {
            await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
            await harness.WhenIdleAsync();
            while (harness.Source.TryTakeRead(out var read))
            {
                reads.Add(((int)(read!.At - Start).TotalSeconds, read.Request.Triggers));
            }
        }

        return reads;
    }
}

using SecretRotation.Engine;

namespace SecretRotation.Tests.Engine.Parts;

/// <summary>
/// The refresh clocks as a table: each row builds a schedule, feeds it reads and failures at given times and checks
/// when it wants to read next. No loop, no timer, no fake clock: timestamps here are seconds × 10⁷ (frequency
/// <see cref="TimeSpan.TicksPerSecond"/>), so a timestamp reads as a TimeSpan.
/// </summary>
public sealed class RefreshScheduleTests
{
    private static readonly DateTimeOffset WallStart = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    // Poll every 100 s without jitter, retry from 10 s doubling up to 60 s, debounce 1 s, refresh-by at least 5 s ahead.
    private static readonly RefreshSettings Defaults = new(
        Optional: false,
        PollInterval: TimeSpan.FromSeconds(100),
        PollJitter: 0,
        DebounceWindow: TimeSpan.FromSeconds(1),
        MinimumBackoff: TimeSpan.FromSeconds(10),
        MaximumBackoff: TimeSpan.FromSeconds(60),
        MinimumRefreshInterval: TimeSpan.FromSeconds(5),
        ExpiryWarningWindow: TimeSpan.FromDays(7),
        ReadTimeout: TimeSpan.FromSeconds(30),
        TimeProvider: TimeProvider.System,
        LoggerFactory: null,
        Randomizer: () => 0.5);

    public static TheoryData<string, RefreshTriggers, double> ReadsAndThePollClock => new()
    {
        { "a read triggered by a change notice leaves the poll clock alone", RefreshTriggers.ChangeNotice, 100 },
        { "a manual read restarts the poll clock", RefreshTriggers.Manual, 150 },
        { "a watcher read restarts the poll clock", RefreshTriggers.Watcher, 150 },
        { "a poll restarts the poll clock", RefreshTriggers.Poll, 150 },
        { "a change notice with a full read restarts the poll clock", RefreshTriggers.ChangeNotice | RefreshTriggers.Watcher, 150 },
        { "a refresh-by read does not count as a poll", RefreshTriggers.RefreshBy, 100 },
        { "a refresh-by read that is also a poll counts as one", RefreshTriggers.RefreshBy | RefreshTriggers.Poll, 150 },
    };

    [Theory]
    [MemberData(nameof(ReadsAndThePollClock))]
    public void ASuccessfulReadSetsThePollClockByWhatTriggeredIt(string rule, RefreshTriggers triggers, double expectedPollSeconds)
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);
        Assert.Equal(At(100), schedule.NextPoll);

        schedule.OnSuccess(triggers, At(50), WallStart.AddSeconds(50), earliestRefreshBy: null);

        Assert.True(At(expectedPollSeconds) == schedule.NextPoll, rule);
    }

    public static TheoryData<string, RefreshTriggers, bool> ReadsAndAPendingRetry => new()
    {
        { "a change-notice read leaves a pending retry of a full read", RefreshTriggers.ChangeNotice, true },
        { "a full read clears the pending retry", RefreshTriggers.Manual, false },
        { "a refresh-by read clears the pending retry", RefreshTriggers.RefreshBy, false },
    };

    [Theory]
    [MemberData(nameof(ReadsAndAPendingRetry))]
    public void ASuccessfulReadClearsAPendingRetryOnlyIfItWasAFullRead(string rule, RefreshTriggers triggers, bool retryStillPending)
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);
        schedule.OnFailure(1, retryAfter: null, At(20));

        schedule.OnSuccess(triggers, At(25), WallStart.AddSeconds(25), earliestRefreshBy: null);

        Assert.True(retryStillPending == (schedule.NextRetry == At(30)), rule);
        Assert.True(retryStillPending || schedule.NextRetry is null, rule);
    }

    public static TheoryData<string, double, RefreshTriggers, double?> ARetryPendingThrottlesEverythingElse => new()
    {
        { "the poll is due but the retry is not: nothing", 100, RefreshTriggers.None, 109 },
        { "the refresh-by time is due but the retry is not: nothing", 105, RefreshTriggers.None, 109 },
        { "the retry is due: the retry alone", 109, RefreshTriggers.Retry, 100 },
    };

    [Theory]
    [MemberData(nameof(ARetryPendingThrottlesEverythingElse))]
    public void ARetryPendingThrottlesThePollAndTheRefreshBy(string rule, double nowSeconds, RefreshTriggers expected, double? nextDueAfterwards)
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, WallStart.AddSeconds(105));
        schedule.OnFailure(1, retryAfter: null, At(99));
        Assert.Equal(At(109), schedule.NextRetry);

        Assert.True(expected == schedule.TakeDue(At(nowSeconds)), rule);
        Assert.True(At(nextDueAfterwards) == schedule.NextDue(At(nowSeconds), urgent: false, null, null), rule);
    }

    [Fact]
    public void AfterTheRetryTheOverdueClocksComeNext()
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, WallStart.AddSeconds(105));
        schedule.OnFailure(1, retryAfter: null, At(99));

        Assert.Equal(RefreshTriggers.Retry, schedule.TakeDue(At(109)));
        Assert.Equal(RefreshTriggers.Poll | RefreshTriggers.RefreshBy, schedule.TakeDue(At(109)));
        Assert.Equal(RefreshTriggers.None, schedule.TakeDue(At(109)));
    }

    public static TheoryData<string, double, double> RefreshByAndPoll => new()
    {
        { "refresh-by earlier than the poll wins", 30, 30 },
        { "a poll earlier than the refresh-by wins", 250, 100 },
        { "a refresh-by in the past waits the minimum interval", -10, 5 },
        { "a refresh-by sooner than the minimum interval waits the minimum interval", 2, 5 },
        { "a refresh-by a century ahead is read again within a year", 100 * 365.25 * 86400, 100 },
    };

    [Theory]
    [MemberData(nameof(RefreshByAndPoll))]
    public void TheEarlierOfPollAndRefreshByComesNext(string rule, double refreshBySeconds, double expectedDueSeconds)
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);

        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, WallStart.AddSeconds(refreshBySeconds));

        Assert.True(At(expectedDueSeconds) == schedule.NextScheduled, rule);
        Assert.True(schedule.NextRefreshBy <= At(365 * 86400), rule);
    }

    [Fact]
    public void ARefreshByReadDoesNotCountAsAPoll()
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, WallStart.AddSeconds(30));

        Assert.Equal(RefreshTriggers.RefreshBy, schedule.TakeDue(At(30)));
        schedule.OnSuccess(RefreshTriggers.RefreshBy, At(31), WallStart.AddSeconds(31), WallStart.AddSeconds(200));

        Assert.Equal(At(200), schedule.NextRefreshBy);
        Assert.Equal(At(100), schedule.NextPoll);
        Assert.Equal(RefreshTriggers.Poll, schedule.TakeDue(At(100)));
    }

    [Fact]
    public void TheSameRefreshByTimeKeepsItsDeadlineWhenTheWallClockJumps()
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        var refreshBy = WallStart.AddSeconds(60);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, refreshBy);

        // The wall clock jumps an hour ahead; a read that returns the same refresh-by time keeps the same deadline.
        schedule.OnSuccess(RefreshTriggers.Manual, At(10), WallStart.AddHours(1), refreshBy);

        Assert.Equal(At(60), schedule.NextRefreshBy);
    }

    public static TheoryData<string, int, double?, double, double> RetryDelays => new()
    {
        { "first failure: the minimum backoff", 1, null, 0.5, 10 },
        { "backoff jitter low: -20 %", 1, null, 0, 8 },
        { "backoff jitter high: +20 %", 1, null, 1, 12 },
        { "third failure: doubled twice", 3, null, 0.5, 40 },
        { "fourth failure: capped at the maximum", 4, null, 0.5, 60 },
        { "retry-after longer than the backoff wins, jittered upwards only", 1, 30, 0.5, 33 },
        { "retry-after with no jitter is exact", 1, 30, 0, 30 },
        { "retry-after shorter than the backoff: the backoff", 3, 5, 0.5, 40 },
        { "retry-after of an hour is capped at the maximum backoff, then jittered", 1, 3600, 0.5, 66 },
    };

    [Theory]
    [MemberData(nameof(RetryDelays))]
    public void ARetryWaitsTheLongerOfBackoffAndRetryAfterCapped(string rule, int failures, double? retryAfterSeconds, double random, double expectedSeconds)
    {
        var schedule = new RefreshSchedule(Defaults with { Randomizer = () => random }, TimeSpan.TicksPerSecond);

        var delay = schedule.OnFailure(failures, retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, At(1000));

        Assert.True(TimeSpan.FromSeconds(expectedSeconds) == delay, $"{rule}: {delay}");
        Assert.True(At(1000 + expectedSeconds) == schedule.NextRetry, rule);
    }

    public static TheoryData<string, double, double, double, double?, double> Debounce => new()
    {
        { "one event: the window after it", 1, 0, 0, null, 1 },
        { "a later event moves the window", 1, 0, 5, null, 6 },
        { "events that keep coming are held back at most ten windows", 1, 0, 9.5, null, 10 },
        { "a tiny window is capped at no less than 200 ms", 0.01, 0, 0.195, null, 0.2 },
        { "no window: at once", 0, 3, 3, null, 3 },
        { "an earlier poll comes first", 1, 0, 5, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Debounce))]
    public void WatcherEventsWaitForAQuietWindowUpToItsCap(string rule, double windowSeconds, double firstEvent, double lastEvent, double? pollSeconds, double expectedDueSeconds)
    {
        var settings = Defaults with
        {
            DebounceWindow = TimeSpan.FromSeconds(windowSeconds),
            PollInterval = pollSeconds is { } poll ? TimeSpan.FromSeconds(poll) : null,
        };
        var schedule = new RefreshSchedule(settings, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);

        var due = schedule.NextDue(At(lastEvent), urgent: false, At(firstEvent), At(lastEvent));

        Assert.True(At(expectedDueSeconds) == due, $"{rule}: {due}");
    }

    [Fact]
    public void AnUrgentRequestIsDueNowAndNothingScheduledIsDueNever()
    {
        var schedule = new RefreshSchedule(Defaults with { PollInterval = null }, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);

        Assert.Null(schedule.NextDue(At(7), urgent: false, null, null));
        Assert.Equal(At(7), schedule.NextDue(At(7), urgent: true, null, null));
        Assert.Equal(RefreshTriggers.None, schedule.TakeDue(At(1_000_000)));
    }

    public static TheoryData<double, double> PollJitter => new()
    {
        { 0, 80 },
        { 0.25, 90 },
        { 0.5, 100 },
        { 1, 120 },
    };

    [Theory]
    [MemberData(nameof(PollJitter))]
    public void ThePollTimeIsExactForAFixedRandomizer(double random, double expectedSeconds)
    {
        var settings = Defaults with { PollJitter = 0.2, Randomizer = () => random };
        var schedule = new RefreshSchedule(settings, TimeSpan.TicksPerSecond);

        schedule.OnSuccess(RefreshTriggers.Initial, At(3), WallStart, earliestRefreshBy: null);

        Assert.Equal(At(3 + expectedSeconds), schedule.NextPoll);
    }

    [Fact]
    public void TimestampsFollowTheFrequencyAndStayWithinAYear()
    {
        var nanoseconds = new RefreshSchedule(Defaults, 1_000_000_000);

        Assert.Equal(500 + 1_500_000_000L, nanoseconds.TimestampAfter(500, TimeSpan.FromSeconds(1.5)));
        Assert.Equal(500, nanoseconds.TimestampAfter(500, TimeSpan.FromSeconds(-3)));
        Assert.Equal(500 + (365L * 86400 * 1_000_000_000), nanoseconds.TimestampAfter(500, TimeSpan.MaxValue));
    }

    private static long At(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    private static long? At(double? seconds) => seconds is { } s ? At(s) : null;
}

using SecretRotation.Engine;

namespace SecretRotation.Tests.Engine.Parts;

/// <summary>
/// The fleet clocks of <see cref="RefreshSchedule"/> as tables: the spread of push reads and retries over the fleet window,
/// and the safety poll that stretches while push is healthy and comes back when it is not. Timestamps are seconds × 10⁷.
/// </summary>
public sealed class FleetScheduleTests
{
    private static readonly DateTimeOffset WallStart = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    // Poll every 100 s without jitter, stretched to 1,000 s while push is healthy; a sign of health counts 300 s.
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
        Randomizer: () => 0.5,
        FleetSpread: TimeSpan.Zero,
        PushCoveredPollInterval: TimeSpan.FromSeconds(1000),
        PushStaleAfter: TimeSpan.FromSeconds(300));

    public static TheoryData<string, double, double, double?> NoticeReads => new()
    {
        { "no fleet spread: at once (no added latency for a single pod)", 0, 0.5, null },
        { "a 30 s spread, draw 0.5: 15 s later", 30, 0.5, 15 },
        { "a 30 s spread, draw 0: at once", 30, 0, 0 },
        { "a 30 s spread, draw 0.99: just under 30 s", 30, 0.99, 29.7 },
    };

    [Theory]
    [MemberData(nameof(NoticeReads))]
    public void TheReadAChangeNoticeAsksForIsSpreadOverTheFleetWindow(string rule, double spreadSeconds, double random, double? expectedDelaySeconds)
    {
        var schedule = new RefreshSchedule(Defaults with { FleetSpread = TimeSpan.FromSeconds(spreadSeconds), Randomizer = () => random }, TimeSpan.TicksPerSecond);

        Assert.True(At(expectedDelaySeconds is { } d ? 50 + d : null) == schedule.NoticeDue(At(50)), rule);
    }

    public static TheoryData<string, double, double?, double> Retries => new()
    {
        { "no fleet spread: the backoff alone", 0, null, 10 },
        { "a 20 s spread adds a random share of four windows on top of the backoff", 20, null, 50 },
        { "a Retry-After is never undercut; the share comes after it", 20, 30, 73 },
    };

    [Theory]
    [MemberData(nameof(Retries))]
    public void RetriesAfterAFleetWideFailureSpreadOverFourFleetWindows(string rule, double spreadSeconds, double? retryAfterSeconds, double expectedSeconds)
    {
        var schedule = new RefreshSchedule(Defaults with { FleetSpread = TimeSpan.FromSeconds(spreadSeconds) }, TimeSpan.TicksPerSecond);

        var delay = schedule.OnFailure(1, retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, At(0));

        // Backoff 10 s ±20 % at draw 0.5 = 10 s; Retry-After 30 s + 20 % × 0.5 = 33 s; fleet share 0.5 × 4 × 20 s = 40 s.
        Assert.True(TimeSpan.FromSeconds(expectedSeconds) == delay, $"{rule}: {delay}");
    }

    public static TheoryData<string, double, RefreshTriggers, double, double> FirstPolls => new()
        {
            { "no fleet spread: the first poll is a normal one (100 s ±10 %, draw 0)", 0, RefreshTriggers.Initial, 0, 90 },
            { "a fleet spread: the first poll anywhere in one whole interval around it (draw 0)", 20, RefreshTriggers.Initial, 0, 50 },
            { "a fleet spread: the first poll anywhere in one whole interval around it (draw 1)", 20, RefreshTriggers.Initial, 1, 150 },
            { "a fleet spread: later polls keep the normal jitter (draw 0)", 20, RefreshTriggers.Poll, 0, 90 },
        };

    [Theory]
    [MemberData(nameof(FirstPolls))]
    public void WithAFleetSpreadTheFirstPollAfterStartUpFallsAnywhereInOneInterval(string rule, double spreadSeconds, RefreshTriggers read, double random, double expectedPollSeconds)
    {
        var schedule = new RefreshSchedule(
            Defaults with { FleetSpread = TimeSpan.FromSeconds(spreadSeconds), PollInterval = TimeSpan.FromSeconds(100), PollJitter = 0.1, Randomizer = () => random },
            TimeSpan.TicksPerSecond);

        schedule.OnSuccess(read, At(0), DateTimeOffset.UnixEpoch, earliestRefreshBy: null);

        Assert.True(At(expectedPollSeconds) == schedule.NextPoll, $"{rule}: {schedule.NextPoll}");
    }

    [Fact]
    public void WhilePushIsHealthyTheSafetyPollStretches()
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);
        Assert.Equal(At(100), schedule.NextPoll);

        schedule.OnPushHealth(healthy: true, At(10));

        // Healthy until 310 s, past the normal poll: the poll waits, but not past the moment push turns stale.
        Assert.Equal(At(310), schedule.NextPoll);
        schedule.OnPushHealth(healthy: true, At(250));
        schedule.OnPushHealth(healthy: true, At(500));
        schedule.OnPushHealth(healthy: true, At(800));
        Assert.Equal(At(1000), schedule.NextPoll);
    }

    [Fact]
    public void PushThatGoesQuietCountsAsBrokenAfterPushStaleAfter()
    {
        var schedule = new RefreshSchedule(Defaults, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);
        schedule.OnPushHealth(healthy: true, At(50));

        Assert.True(schedule.IsPushHealthy(At(349)));
        Assert.False(schedule.IsPushHealthy(At(350)));
        Assert.Equal(At(350), schedule.NextPoll);
        Assert.Equal(RefreshTriggers.None, schedule.TakeDue(At(349)));
        Assert.Equal(RefreshTriggers.Poll, schedule.TakeDue(At(350)));

        // The poll then finds push stale: back to the normal interval.
        schedule.OnSuccess(RefreshTriggers.Poll, At(350), WallStart.AddSeconds(350), earliestRefreshBy: null);
        Assert.Equal(At(450), schedule.NextPoll);
    }

    public static TheoryData<string, double, double, double> BrokenPush => new()
    {
        { "broken before the normal poll: the normal poll stands", 60, 0.5, 100 },
        { "broken after the normal poll time: spread over one interval from now (draw 0.5)", 200, 0.5, 250 },
        { "broken after the normal poll time, draw 0: at once", 200, 0, 200 },
    };

    [Theory]
    [MemberData(nameof(BrokenPush))]
    public void BrokenPushBringsBackTheNormalPollSpreadOverOneInterval(string rule, double brokenAt, double random, double expectedPoll)
    {
        var draws = new Queue<double>([0.5, random]);
        var schedule = new RefreshSchedule(Defaults with { Randomizer = () => draws.Dequeue() }, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);
        schedule.OnPushHealth(healthy: true, At(10));

        schedule.OnPushHealth(healthy: false, At(brokenAt));

        Assert.True(At(expectedPoll) == schedule.NextPoll, $"{rule}: {schedule.NextPoll}");
        Assert.False(schedule.IsPushHealthy(At(brokenAt)));
    }

    [Fact]
    public void WithoutAStretchedIntervalPushHealthChangesNothing()
    {
        var schedule = new RefreshSchedule(Defaults with { PushCoveredPollInterval = null }, TimeSpan.TicksPerSecond);
        schedule.OnSuccess(RefreshTriggers.Initial, At(0), WallStart, earliestRefreshBy: null);

        schedule.OnPushHealth(healthy: true, At(10));

        Assert.Equal(At(100), schedule.NextPoll);
    }

    [Fact]
    public void ASpreadNoticeIsNotUrgentAndNoticesArrivingMeanwhileKeepTheEarliestDueTime()
    {
        var pending = new PendingRefresh();
        var notice = new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "vault", "a");
        pending.AddNotice(notice, new TaskCompletionSource(), due: At(30));
        Assert.False(pending.IsUrgent);
        pending.AddNotice(notice with { SecretName = "b" }, new TaskCompletionSource(), due: At(20));
        Assert.Equal(At(20), pending.NoticeDue);

        var schedule = new RefreshSchedule(Defaults with { PollInterval = null }, TimeSpan.TicksPerSecond);
        Assert.Equal(At(20), schedule.NextDue(At(0), pending.IsUrgent, null, null, pending.NoticeDue));

        // A notice without a spread makes the read urgent; Take clears the due time.
        pending.AddNotice(notice with { SecretName = "c" }, new TaskCompletionSource(), due: null);
        Assert.True(pending.IsUrgent);
        pending.Take();
        Assert.Null(pending.NoticeDue);
    }

    private static long At(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    private static long? At(double? seconds) => seconds is { } s ? At(s) : null;
}

using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Engine;

public sealed class RefreshLoopTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PollHappensWithinTheJitterWindowAndNotBefore()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s =>
        {
            s.PollInterval = TimeSpan.FromSeconds(60);
            s.PollJitter = 0.5;
        });
        await source.NextReadAsync(); // initial

        await harness.AdvanceAsync(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        await harness.AdvanceAsync(TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(1));
        var poll = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Poll, poll.Request.Triggers);
        Assert.True(poll.At >= Start + TimeSpan.FromSeconds(30), $"polled at {poll.At - Start}, before the jitter window opened");
        Assert.Equal(2, source.ReadCount);
    }

    [Fact]
    public async Task PollDelaysDifferBetweenProvidersWithJitter()
    {
        var delays = new HashSet<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            var source = new ScriptedSecretSource();
            using var harness = new EngineHarness(source, s =>
            {
                s.PollInterval = TimeSpan.FromSeconds(100);
                s.PollJitter = 0.2;
            });
            await source.NextReadAsync();
            for (var step = 0; step < 200 && source.ReadCount < 2; step++)
            {
                await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
            }

            var poll = await source.NextReadAsync();
            Assert.InRange(poll.At - Start, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(121));
            delays.Add(poll.At - Start);
        }

        Assert.True(delays.Count > 1, "eight providers all polled at the same second: no jitter");
    }

    [Fact]
    public async Task NoPollHappensWhenPollingIsOff()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source, s => s.PollInterval = null);
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromDays(3));
        await harness.WhenIdleAsync();

        Assert.Equal(1, source.ReadCount);
    }

    [Fact]
    public async Task BackoffDoublesAfterEachFailureWithinItsJitter()
    {
        var source = new ScriptedSecretSource();
        source.FailAlways();
        using var harness = new EngineHarness(source, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromSeconds(1);
            s.MaximumBackoff = TimeSpan.FromMinutes(5);
        });
        var previous = (await source.NextReadAsync()).At;

        foreach (var expectedSeconds in new[] { 1, 2, 4, 8, 16 })
        {
            var expected = TimeSpan.FromSeconds(expectedSeconds);
            await harness.AdvanceAsync((expected * 0.8) - TimeSpan.FromMilliseconds(1));
            await harness.AdvanceAsync((expected * 0.4) + TimeSpan.FromMilliseconds(2));
            var retry = await source.NextReadAsync();

            Assert.Equal(RefreshTriggers.Retry, retry.Request.Triggers);
            Assert.InRange(retry.At - previous, expected * 0.8, (expected * 1.2) + TimeSpan.FromMilliseconds(2));
            previous = retry.At;
        }

        // The last retry has started; its failure is counted once the loop is back to waiting.
        await harness.WhenIdleAsync();
        Assert.Equal(6, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task BackoffStopsGrowingAtTheMaximum()
    {
        var source = new ScriptedSecretSource();
        source.FailAlways();
        using var harness = new EngineHarness(source, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromSeconds(1);
            s.MaximumBackoff = TimeSpan.FromSeconds(10);
        });
        var previous = (await source.NextReadAsync()).At;

        var gaps = new List<TimeSpan>();
        for (var attempt = 0; attempt < 8; attempt++)
        {
            while (!source.TryTakeRead(out _))
            {
                await harness.AdvanceAsync(TimeSpan.FromMilliseconds(500));
            }

            var at = source.History[^1].At;
            gaps.Add(at - previous);
            previous = at;
        }

        Assert.All(gaps.Skip(5), gap => Assert.InRange(gap, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12.5)));
    }

    [Fact]
    public async Task AnEntrysRefreshByTimeSchedulesTheNextRead()
    {
        var source = new ScriptedSecretSource();
        var leaseEnd = Start + TimeSpan.FromSeconds(30);
        source.ReturnAlways(new SecretSet([new("db:password", new SecretEntry("p1", "v1", leaseEnd))]));
        using var harness = new EngineHarness(source, s => s.PollInterval = TimeSpan.FromMinutes(5));
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var read = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.RefreshBy, read.Request.Triggers);
        Assert.Equal(leaseEnd, read.At);
    }

    [Fact]
    public async Task ARefreshByTimeInThePastWaitsTheMinimumIntervalInsteadOfSpinning()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(new SecretSet([new("k", new SecretEntry("v", null, Start - TimeSpan.FromHours(1)))]));
        using var harness = new EngineHarness(source, s => s.MinimumRefreshInterval = TimeSpan.FromSeconds(2));
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1999));
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var read = await source.NextReadAsync();

        Assert.Equal(Start + TimeSpan.FromSeconds(2), read.At);
        Assert.Equal(2, source.ReadCount);
    }

    [Fact]
    public async Task WatcherEventsAreDebouncedIntoOneRead()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source, s => s.DebounceWindow = TimeSpan.FromMilliseconds(20));
        await source.NextReadAsync();

        for (var i = 0; i < 5; i++)
        {
            source.FireWatcher();
            await harness.AdvanceAsync(TimeSpan.FromMilliseconds(10));
        }

        // Events came at 0, 10, 20, 30 and 40 ms; the quiet window ends at 60 ms.
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(9));
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var read = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Watcher, read.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(60), read.At);
        await harness.WhenIdleAsync();
        Assert.Equal(2, source.ReadCount);
    }

    [Fact]
    public async Task AnEndlessStreamOfWatcherEventsStillLeadsToARead()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source, s => s.DebounceWindow = TimeSpan.FromMilliseconds(20));
        await source.NextReadAsync();

        for (var i = 0; i < 100 && source.ReadCount < 2; i++)
        {
            source.FireWatcher();
            await harness.AdvanceAsync(TimeSpan.FromMilliseconds(10));
        }

        var read = await source.NextReadAsync();
        Assert.True(read.At - Start <= TimeSpan.FromMilliseconds(210), $"read only after {read.At - Start}");
    }

    [Fact]
    public async Task RequestsArrivingDuringARefreshAreCoalescedIntoOneMoreRead()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source);
        await source.NextReadAsync();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();
        var waiting = Enumerable.Range(0, 5).Select(_ => harness.Refresher.RefreshAsync()).ToArray();
        source.FireWatcher();
        source.Gate.SetResult();

        await first.WithTimeout("the first refresh");
        await Task.WhenAll(waiting).WithTimeout("the coalesced refreshes");
        var coalesced = await source.NextReadAsync();
        Assert.Equal(RefreshTriggers.Manual | RefreshTriggers.Watcher, coalesced.Request.Triggers);
        await harness.WhenIdleAsync();
        Assert.Equal(3, source.ReadCount);
    }

    [Fact]
    public async Task ChangeNoticesAreMergedIntoOneTargetedRead()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source);
        await source.NextReadAsync();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();

        var a = harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "test", "a", "2"));
        var b = harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "test", "b", "7"));
        var duplicate = harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "test", "a", "2"));
        source.Gate.SetResult();
        await blocker.WithTimeout("the blocking refresh");

        Assert.True(await a.WithTimeout("notice a"));
        Assert.True(await b.WithTimeout("notice b"));
        Assert.True(await duplicate.WithTimeout("the duplicate notice"));
        var targeted = await source.NextReadAsync();
        Assert.True(targeted.Request.IsTargeted);
        Assert.Equal(["a", "b"], targeted.Request.Notices.Select(n => n.SecretName));
    }

    [Fact]
    public async Task AFullRefreshAbsorbsPendingNotices()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source);
        await source.NextReadAsync();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();

        var notice = harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "test", "a"));
        var full = harness.Refresher.RefreshAsync();
        source.Gate.SetResult();
        await Task.WhenAll(blocker, notice, full).WithTimeout("the refreshes");

        var read = await source.NextReadAsync();
        Assert.False(read.Request.IsTargeted);
        Assert.Empty(read.Request.Notices);
        Assert.True(read.Request.Triggers.HasFlag(RefreshTriggers.Manual));
    }

    [Fact]
    public async Task FrequentChangeNoticesDoNotPostponeThePoll()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source, s =>
        {
            s.PollInterval = TimeSpan.FromSeconds(60);
            s.PollJitter = 0;
        });
        await source.NextReadAsync();

        for (var i = 0; i < 5; i++)
        {
            await harness.AdvanceAsync(TimeSpan.FromSeconds(11));
            await harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "test", $"s{i}"));
            Assert.True((await source.NextReadAsync()).Request.IsTargeted);
        }

        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        var poll = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Poll, poll.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromSeconds(60), poll.At);
    }

    [Fact]
    public async Task RefreshByReadsDoNotPostponeThePoll()
    {
        var source = new ScriptedSecretSource();
        source.Next = request => new SecretSet([new("lease", new SecretEntry("v", null, source.Clock.GetUtcNow() + TimeSpan.FromSeconds(25)))]);
        using var harness = new EngineHarness(source, s =>
        {
            s.PollInterval = TimeSpan.FromSeconds(60);
            s.PollJitter = 0;
        });
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromSeconds(25));
        Assert.Equal(RefreshTriggers.RefreshBy, (await source.NextReadAsync()).Request.Triggers);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(25));
        Assert.Equal(RefreshTriggers.RefreshBy, (await source.NextReadAsync()).Request.Triggers);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        var poll = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Poll, poll.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromSeconds(60), poll.At);
    }

    [Fact]
    public async Task ANoticeForAnotherStoreReadsNothing()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source);
        await source.NextReadAsync();

        var handled = await harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "other-vault", "a", "1"));

        Assert.False(handled);
        await harness.WhenIdleAsync();
        Assert.Equal(1, source.ReadCount);
    }

    [Fact]
    public async Task AWatcherEventDuringBackoffIsReadAtOnceAfterTheDebounce()
    {
        var source = new ScriptedSecretSource();
        source.FailAlways();
        using var harness = new EngineHarness(source, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromMinutes(1);
            s.MaximumBackoff = TimeSpan.FromMinutes(1);
        });
        await source.NextReadAsync();
        source.ReturnAlways(ScriptedSecretSource.Set(("k", "fixed")));

        source.FireWatcher();
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(20));
        await source.NextReadAsync();
        await harness.WhenIdleAsync();

        Assert.Equal("fixed", harness.Configuration["k"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }
}

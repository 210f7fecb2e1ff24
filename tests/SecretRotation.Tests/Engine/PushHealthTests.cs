using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Engine;

/// <summary>
/// Push-aware polling through the engine (issue 12): <see cref="ISecretRefresher.ReportPushHealth"/> reaches the loop's
/// schedule, which the refresh queue owns, and moves the next poll. The clock rules themselves are table-tested in
/// <c>FleetScheduleTests</c>.
/// </summary>
public sealed class PushHealthTests
{
    [Fact]
    public async Task HealthyPushStretchesThePollAndBrokenPushBringsItBackWithinOneInterval()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s =>
        {
            s.PollInterval = TimeSpan.FromMinutes(5);
            s.PollJitter = 0;
            s.PushCoveredPollInterval = TimeSpan.FromHours(1);
            s.PushStaleAfter = TimeSpan.FromHours(2);
        });
        await source.NextReadAsync(); // initial

        harness.Refresher.ReportPushHealth(healthy: true);
        for (var minute = 0; minute < 30; minute++)
        {
            await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        }

        await harness.WhenIdleAsync();
        Assert.Equal(1, source.ReadCount);

        harness.Refresher.ReportPushHealth(healthy: false);
        for (var minute = 0; minute < 6 && source.ReadCount < 2; minute++)
        {
            await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        }

        var poll = await source.NextReadAsync();
        Assert.Equal(RefreshTriggers.Poll, poll.Request.Triggers);
    }

    [Fact]
    public async Task PushThatGoesQuietStopsStretchingThePoll()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s =>
        {
            s.PollInterval = TimeSpan.FromMinutes(5);
            s.PollJitter = 0;
            s.PushCoveredPollInterval = TimeSpan.FromHours(1);
            s.PushStaleAfter = TimeSpan.FromMinutes(10);
        });
        await source.NextReadAsync(); // initial
        var start = harness.Time.GetUtcNow();

        harness.Refresher.ReportPushHealth(healthy: true);
        for (var minute = 0; minute < 30 && source.ReadCount < 2; minute++)
        {
            await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        }

        var poll = await source.NextReadAsync();
        Assert.Equal(RefreshTriggers.Poll, poll.Request.Triggers);
        Assert.InRange(poll.At - start, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(11));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ANoticeDeliveredForTheSourceStretchesThePollAsAHealthReportDoes(bool own)
    {
        var source = new ScriptedSecretSource { OwnsNotice = notice => notice.Store == "test" };
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s =>
        {
            s.PollInterval = TimeSpan.FromMinutes(5);
            s.PollJitter = 0;
            s.PushCoveredPollInterval = TimeSpan.FromHours(1);
        });
        await source.NextReadAsync(); // initial
        var start = harness.Time.GetUtcNow();

        // A fan-out delivers one event to every replica: the fetch it asks for is made, and the poll due 5 minutes after
        // start-up is not (push reaches this source); a notice for another source proves nothing about this one.
        Assert.Equal(own, await harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", own ? "test" : "elsewhere", "a", "2")).WithTimeout("the notice"));
        if (own)
        {
            Assert.Equal(RefreshTriggers.ChangeNotice, (await source.NextReadAsync()).Request.Triggers);
        }

        for (var minute = 0; minute < 70 && source.ReadCount < (own ? 3 : 2); minute++)
        {
            await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        }

        var poll = await source.NextReadAsync();
        Assert.Equal(RefreshTriggers.Poll, poll.Request.Triggers);
        Assert.InRange(poll.At - start, own ? TimeSpan.FromMinutes(60) : TimeSpan.FromMinutes(5), own ? TimeSpan.FromMinutes(61) : TimeSpan.FromMinutes(6));
    }
}

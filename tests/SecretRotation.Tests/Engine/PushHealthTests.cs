using SecretRotation.Tests.Support;

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
}

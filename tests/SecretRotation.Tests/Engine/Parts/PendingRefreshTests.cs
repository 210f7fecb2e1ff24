using SecretRotation.Engine;

namespace SecretRotation.Tests.Engine.Parts;

public sealed class PendingRefreshTests
{
    [Fact]
    public void OrdinaryWatcherEventsWaitForTheDebounce()
    {
        var pending = new PendingRefresh();

        pending.AddWatcherEvent(100);
        pending.AddWatcherEvent(150);

        Assert.False(pending.IsUrgent);
        Assert.Equal(100, pending.FirstWatcherEvent);
        Assert.Equal(150, pending.LastWatcherEvent);
    }

    [Fact]
    public void AnEventThatCompletesAChangeMakesTheBurstUrgentUntilItIsTaken()
    {
        var pending = new PendingRefresh();
        pending.AddWatcherEvent(100);

        pending.AddWatcherEvent(120, complete: true);
        Assert.True(pending.IsUrgent);
        var (triggers, _, _) = pending.Take();

        Assert.Equal(RefreshTriggers.Watcher, triggers);
        Assert.False(pending.HasCompleteChange);
        pending.AddWatcherEvent(200);
        Assert.False(pending.IsUrgent);
    }
}

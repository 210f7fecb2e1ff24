using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Engine;

/// <summary>The engine asks a source once whether a notice is its own, and its reads get only the notices it owns.</summary>
public sealed class NoticeOwnershipTests
{
    [Fact]
    public async Task ATargetedReadGetsOnlyOwnNoticesEachAskedAboutOnce()
    {
        var asked = new List<SecretChangeNotice>();
        var source = new ScriptedSecretSource();
        source.OwnsNotice = notice =>
        {
            lock (asked)
            {
                asked.Add(notice);
            }

            return notice.Store == "test";
        };
        using var harness = new EngineHarness(source);
        await source.NextReadAsync();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();

        var own = harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "test", "a", "1"));
        var foreign = harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "elsewhere", "x", "1"));
        var alsoOwn = harness.Refresher.RefreshAsync(new SecretChangeNotice("Kind", "test", "b", "2"));
        source.Gate.SetResult();
        await blocker.WithTimeout("the blocking refresh");

        Assert.True(await own.WithTimeout("the own notice"));
        Assert.False(await foreign.WithTimeout("the foreign notice"));
        Assert.True(await alsoOwn.WithTimeout("the other own notice"));
        var targeted = await source.NextReadAsync();
        Assert.Equal(["a", "b"], targeted.Request.Notices.Select(n => n.SecretName));
        await harness.WhenIdleAsync();
        lock (asked)
        {
            Assert.Equal(["a", "x", "b"], asked.Select(n => n.SecretName));
        }
    }
}

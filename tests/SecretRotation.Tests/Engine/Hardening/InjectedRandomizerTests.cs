using SecretRotation.Tests.Support;

namespace SecretRotation.Tests.Engine.Hardening;

/// <summary>Poll and retry jitter come from the source's randomizer, so their exact times can be known.</summary>
public sealed class InjectedRandomizerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PollJitterComesFromTheInjectedRandomizer()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source, s =>
        {
            s.PollInterval = TimeSpan.FromSeconds(100);
            s.PollJitter = 0.2;
            s.Randomizer = () => 0.25;
        });
        await source.NextReadAsync();

        // 100 s × (1 + 0.2 × (2 × 0.25 − 1)) = 90 s.
        await harness.AdvanceAsync(TimeSpan.FromSeconds(90) - TimeSpan.FromMilliseconds(1));
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var poll = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Poll, poll.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromSeconds(90), poll.At);
    }

    [Fact]
    public async Task BackoffJitterComesFromTheInjectedRandomizer()
    {
        var source = new ScriptedSecretSource();
        source.FailAlways();
        using var harness = new EngineHarness(source, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromSeconds(10);
            s.Randomizer = () => 1;
        });
        await source.NextReadAsync();

        // 10 s × (1 + 0.2 × (2 × 1 − 1)) = 12 s.
        await harness.AdvanceAsync(TimeSpan.FromSeconds(12) - TimeSpan.FromMilliseconds(1));
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var retry = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Retry, retry.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromSeconds(12), retry.At);
    }
}

using SecretRotation.Tests.Support;

namespace SecretRotation.Tests.Engine.Hardening;

/// <summary>When a store says how long to wait (HTTP 429 with Retry-After), the retry never comes sooner.</summary>
public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.5, 2200)] // backoff exactly 1 s; Retry-After 2 s, spread up to 20 % after it
    [InlineData(0.0, 2000)] // backoff 0.8 s; Retry-After 2 s exactly
    public async Task ASourceAskingToWaitTwoSecondsIsNotReadAgainBeforeThenEvenWhenTheBackoffIsOneSecond(double random, int expectedMilliseconds)
    {
        var source = new ScriptedSecretSource();
        source.Next = _ => throw new SecretSourceException(source.Name, "429 Too Many Requests") { RetryAfter = TimeSpan.FromSeconds(2) };
        using var harness = new EngineHarness(source, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromSeconds(1);
            s.Randomizer = () => random;
        });
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(expectedMilliseconds - 1000 - 1));
        await harness.WhenIdleAsync();
        Assert.Equal(1, source.ReadCount);

        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var retry = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.Retry, retry.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(expectedMilliseconds), retry.At);
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 4 && e.Message.Contains("retrying in 00:00:02", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARetryAfterShorterThanTheBackoffDoesNotShortenIt()
    {
        var source = new ScriptedSecretSource();
        source.Next = _ => throw new SecretSourceException(source.Name, "429 Too Many Requests") { RetryAfter = TimeSpan.FromMilliseconds(100) };
        using var harness = new EngineHarness(source, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromSeconds(1);
            s.Randomizer = () => 0.5;
        });
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(999));
        await harness.WhenIdleAsync();
        Assert.Equal(1, source.ReadCount);
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var retry = await source.NextReadAsync();

        Assert.Equal(Start + TimeSpan.FromSeconds(1), retry.At);
    }

    [Fact]
    public async Task ARetryAfterBeyondTheMaximumBackoffWaitsOnlyTheMaximumBackoff()
    {
        var source = new ScriptedSecretSource();
        source.Next = _ => throw new SecretSourceException(source.Name, "429 Too Many Requests") { RetryAfter = TimeSpan.FromDays(1) };
        using var harness = new EngineHarness(source, s =>
        {
            s.Optional = true;
            s.MinimumBackoff = TimeSpan.FromSeconds(1);
            s.MaximumBackoff = TimeSpan.FromMinutes(5);
            s.Randomizer = () => 0;
        });
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        await harness.WhenIdleAsync();
        Assert.Equal(1, source.ReadCount);
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var retry = await source.NextReadAsync();

        Assert.Equal(Start + TimeSpan.FromMinutes(5), retry.At);
    }

    [Fact]
    public async Task ARetryAfterAlsoDelaysTheRetryOfARefreshThatFailedAfterLoading()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s =>
        {
            s.MinimumBackoff = TimeSpan.FromSeconds(1);
            s.Randomizer = () => 0;
        });
        await source.NextReadAsync();
        source.Next = _ => throw new SecretSourceException(source.Name, "429 Too Many Requests") { RetryAfter = TimeSpan.FromSeconds(3) };

        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => harness.Refresher.RefreshAsync());
        await source.NextReadAsync();
        await harness.AdvanceAsync(TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        await harness.WhenIdleAsync();
        Assert.Equal(2, source.ReadCount);
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var retry = await source.NextReadAsync();

        Assert.Equal(TimeSpan.FromSeconds(3), failure.RetryAfter);
        Assert.Equal(RefreshTriggers.Retry, retry.Request.Triggers);
        Assert.Equal(Start + TimeSpan.FromSeconds(3), retry.At);
        Assert.Equal("1", harness.Configuration["a"]);
    }
}

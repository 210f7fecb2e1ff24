using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Engine.Hardening;

/// <summary>
/// A required source the store throttles at start-up (a rolling restart of a large fleet against one Key Vault) waits and
/// tries again inside Load, within StartupThrottleWait, instead of failing Build() and crash-looping the pod.
/// </summary>
public sealed class StartupThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AFirstReadThrottledTwiceIsTriedAgainAfterTheRetryAfterAndBuildSucceeds()
    {
        var source = new ScriptedSecretSource();
        ThrottleFirst(source, 2, ScriptedSecretSource.Set(("Db:Password", "p1")));
        using var startup = new Startup(source, s => s.Randomizer = () => 0);

        await source.NextReadAsync();
        await startup.ParkedAsync();
        Assert.Equal(1, source.ReadCount);
        Assert.Equal(1, startup.Provider.Status.ConsecutiveFailures);
        Assert.False(startup.Building.IsCompleted);
        startup.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        await startup.ParkedAsync();
        Assert.Equal(1, source.ReadCount);
        startup.Time.Advance(TimeSpan.FromMilliseconds(1));
        await source.NextReadAsync();
        await startup.ParkedAsync();
        Assert.Equal(2, source.ReadCount);
        Assert.Equal(2, startup.Provider.Status.ConsecutiveFailures);
        startup.Time.Advance(TimeSpan.FromSeconds(5));
        var configuration = await startup.Building.WithTimeout("Build to return");

        Assert.Equal("p1", configuration["Db:Password"]);
        Assert.Equal([Start, Start + TimeSpan.FromSeconds(5), Start + TimeSpan.FromSeconds(10)], source.History.Select(read => read.At));
        Assert.All(source.History, read => Assert.Equal(RefreshTriggers.Initial, read.Request.Triggers));
        Assert.Equal(0, startup.Provider.Status.ConsecutiveFailures);
        var throttled = startup.Logs.Entries.Where(e => e.EventId.Id == 10).ToList();
        Assert.Equal(2, throttled.Count);
        Assert.All(throttled, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Contains("scripted:test", throttled[0].Message, StringComparison.Ordinal);
        Assert.Contains("trying again in 00:00:05", throttled[0].Message, StringComparison.Ordinal);
        Assert.Contains("asked to wait 00:00:05", throttled[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("p1", startup.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoreThatKeepsThrottlingPastStartupThrottleWaitFailsTheStartUpNamingTheSource()
    {
        var source = new ScriptedSecretSource();
        source.Next = _ => throw Throttled(source);
        using var startup = new Startup(source, s =>
        {
            s.Randomizer = () => 0;
            s.StartupThrottleWait = TimeSpan.FromSeconds(12);
        });

        // Tries at 0 s and 5 s; the one after 10 s would come at 15 s, past the 12 s budget.
        await source.NextReadAsync();
        await startup.ParkedAsync();
        startup.Time.Advance(TimeSpan.FromSeconds(5));
        await source.NextReadAsync();
        await startup.ParkedAsync();
        startup.Time.Advance(TimeSpan.FromSeconds(5));
        var exception = await Assert.ThrowsAsync<SecretSourceException>(() => startup.Building.WithTimeout("Build to fail"));

        Assert.Equal(3, source.ReadCount);
        Assert.Equal("scripted:test", exception.SourceName);
        Assert.Contains("scripted:test", exception.Message, StringComparison.Ordinal);
        Assert.Contains("throttled the start-up read for 0:00:10", exception.Message, StringComparison.Ordinal);
        Assert.Contains("StartupThrottleWait (0:00:12)", exception.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(5), exception.RetryAfter);
        Assert.IsType<SecretSourceException>(exception.InnerException);
        Assert.Equal(3, startup.Provider.Status.ConsecutiveFailures);
        Assert.False(source.IsWatching);
        Assert.Equal(2, startup.Logs.Entries.Count(e => e.EventId.Id == 10));
    }

    [Fact]
    public void AFailureWithoutRetryAfterFailsTheStartUpAtOnce()
    {
        var source = new ScriptedSecretSource();
        source.Next = _ => throw new SecretSourceException(source.Name, "503 Service Unavailable");

        var exception = Assert.Throws<SecretSourceException>(() => new EngineHarness(source));

        Assert.Equal(1, source.ReadCount);
        Assert.Contains("503 Service Unavailable", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("StartupThrottleWait", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AZeroStartupThrottleWaitFailsAtTheFirstThrottledAnswerWithTheStoresException()
    {
        var source = new ScriptedSecretSource();
        var thrown = new List<SecretSourceException>();
        source.Next = _ =>
        {
            var throttled = Throttled(source);
            thrown.Add(throttled);
            throw throttled;
        };

        var exception = Assert.Throws<SecretSourceException>(() => new EngineHarness(source, s => s.StartupThrottleWait = TimeSpan.Zero));

        Assert.Same(Assert.Single(thrown), exception);
        Assert.Equal(1, source.ReadCount);
        Assert.False(source.IsWatching);
    }

    [Fact]
    public async Task TheThrottleWaitIncludesARandomShareOfTheFleetSpread()
    {
        var source = new ScriptedSecretSource();
        ThrottleFirst(source, 1, ScriptedSecretSource.Set(("a", "1")));
        using var startup = new Startup(source, s =>
        {
            s.Randomizer = () => 0.5;
            s.FleetSpread = TimeSpan.FromSeconds(10);
        });

        // Retry-After 5 s spread by up to 20 % after it (0.5 → 5.5 s), plus half of four 10 s fleet windows (a retry's spread).
        var expected = TimeSpan.FromSeconds(25.5);
        await startup.ParkedAsync();
        startup.Time.Advance(expected - TimeSpan.FromMilliseconds(1));
        await startup.ParkedAsync();
        Assert.Equal(1, source.ReadCount);
        startup.Time.Advance(TimeSpan.FromMilliseconds(1));
        var configuration = await startup.Building.WithTimeout("Build to return");

        Assert.Equal("1", configuration["a"]);
        Assert.Equal(Start + expected, source.History[1].At);
        Assert.Contains("trying again in 00:00:25.5", startup.Logs.Entries.Single(e => e.EventId.Id == 10).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASpreadLongerThanTheBudgetLeftMakesTheLastTryAtTheBudgetsEndInsteadOfGivingUp()
    {
        var source = new ScriptedSecretSource();
        ThrottleFirst(source, 1, ScriptedSecretSource.Set(("a", "1")));
        using var startup = new Startup(source, s =>
        {
            s.Randomizer = () => 1;
            s.FleetSpread = TimeSpan.FromSeconds(10);
            s.StartupThrottleWait = TimeSpan.FromSeconds(12);
        });

        // Retry-After 5 s (+20 % at draw 1 = 6 s) plus four 10 s windows would be 46 s; the budget has 12 s left.
        await startup.ParkedAsync();
        startup.Time.Advance(TimeSpan.FromSeconds(12));
        var configuration = await startup.Building.WithTimeout("Build to return");

        Assert.Equal("1", configuration["a"]);
        Assert.Equal(Start + TimeSpan.FromSeconds(12), source.History[1].At);
    }

    [Fact]
    public async Task DisposeDuringTheThrottleWaitEndsLoadAtOnce()
    {
        var source = new ScriptedSecretSource();
        source.Next = _ => throw Throttled(source);
        using var startup = new Startup(source);
        await startup.ParkedAsync();

        startup.Provider.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => startup.Building.WithTimeout("Load to end after Dispose"));
        Assert.Equal(1, source.ReadCount);
        Assert.False(source.IsWatching);
        Assert.True(source.IsDisposed);
    }

    [Fact]
    public void AnOptionalSourceIsNotHeldByAThrottledFirstRead()
    {
        var source = new ScriptedSecretSource();
        source.Next = _ => throw Throttled(source);

        using var harness = new EngineHarness(source, s => s.Optional = true);

        Assert.Equal(1, source.ReadCount);
        Assert.False(harness.Refresher.Status.HasLoaded);
        Assert.DoesNotContain(harness.Logs.Entries, e => e.EventId.Id == 10);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3_600_001)]
    public void AStartupThrottleWaitThatIsNegativeOrOverAnHourIsRejectedWithTheSettingsName(int milliseconds)
    {
        var source = new ScriptedSecretSource();

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineHarness(source, s => s.StartupThrottleWait = TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal("StartupThrottleWait", exception.ParamName);
        Assert.Equal(0, source.ReadCount);
    }

    private static SecretSourceException Throttled(ScriptedSecretSource source) =>
        new(source.Name, "429 Too Many Requests") { RetryAfter = TimeSpan.FromSeconds(5) };

    private static void ThrottleFirst(ScriptedSecretSource source, int times, SecretSet then)
    {
        var reads = 0;
        source.Next = _ => Interlocked.Increment(ref reads) <= times ? throw Throttled(source) : then;
    }

    /// <summary>A Build() running on a background thread, with the provider at hand to see when its first read is parked.</summary>
    private sealed class Startup : IDisposable
    {
        public Startup(ScriptedSecretSource source, Action<ScriptedConfigurationSource>? configure = null)
        {
            source.Clock = Time;
            var configurationSource = new ScriptedConfigurationSource(source)
            {
                TimeProvider = Time,
                LoggerFactory = Logs.CreateFactory(),
                PollInterval = null,
                MinimumBackoff = TimeSpan.FromSeconds(1),
            };
            configure?.Invoke(configurationSource);
            Provider = (SecretConfigurationProvider)configurationSource.Build(new ConfigurationBuilder());
            Building = Task.Run(() => (IConfigurationRoot)new ConfigurationRoot([Provider]));
        }

        public FakeTimeProvider Time { get; } = new(Start);

        public CapturingLoggerProvider Logs { get; } = new();

        internal SecretConfigurationProvider Provider { get; }

        public Task<IConfigurationRoot> Building { get; }

        /// <summary>Waits until the first read is parked in the throttle wait (its timer exists), so the clock may move.</summary>
        public async Task ParkedAsync()
        {
            await Provider.WhenIdleAsync().WithTimeout("the first read to park in the throttle wait");
            Assert.False(Building.IsCompleted);
        }

        public void Dispose() => Provider.Dispose();
    }
}

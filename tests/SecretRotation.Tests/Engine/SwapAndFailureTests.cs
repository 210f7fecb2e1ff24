using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Engine;

public sealed class SwapAndFailureTests
{
    [Fact]
    public async Task AChangedValueReplacesDataAndFiresTheReloadTokenOnce()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Db:User", "app"), ("Db:Password", "old")));
        using var harness = new EngineHarness(source);

        source.ReturnAlways(ScriptedSecretSource.Set(("Db:User", "app"), ("Db:Password", "new")));
        await harness.Refresher.RefreshAsync();
        await harness.Refresher.RefreshAsync();

        Assert.Equal("new", harness.Configuration["Db:Password"]);
        Assert.Equal("app", harness.Configuration["db:user"]);
        Assert.Equal(1, harness.Reloads);
    }

    [Fact]
    public async Task ANewVersionWithTheSameValueFiresNothing()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(new SecretSet([new("k", new SecretEntry("same", "v1"))]));
        using var harness = new EngineHarness(source);

        source.ReturnAlways(new SecretSet([new("k", new SecretEntry("same", "v2"))]));
        await harness.Refresher.RefreshAsync();

        Assert.Equal(0, harness.Reloads);
        var second = source.History[^1].Request;
        Assert.Equal("v1", second.Previous["k"].Version);
        await harness.Refresher.RefreshAsync();
        Assert.Equal("v2", source.History[^1].Request.Previous["k"].Version);
    }

    [Theory]
    [InlineData("added")]
    [InlineData("removed")]
    public async Task AnAddedOrRemovedKeyFiresTheReloadToken(string change)
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1"), ("b", "2")));
        using var harness = new EngineHarness(source);

        source.ReturnAlways(change == "added"
            ? ScriptedSecretSource.Set(("a", "1"), ("b", "2"), ("c", "3"))
            : ScriptedSecretSource.Set(("a", "1")));
        await harness.Refresher.RefreshAsync();

        Assert.Equal(1, harness.Reloads);
        Assert.Equal(change == "added" ? "3" : null, harness.Configuration["c"]);
        Assert.Equal(change == "added" ? "2" : null, harness.Configuration["b"]);
    }

    [Fact]
    public async Task AFailedRefreshKeepsTheLastGoodDataAndReportsIt()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "good")));
        using var harness = new EngineHarness(source);
        var loadedAt = harness.Time.GetUtcNow();
        harness.Time.Advance(TimeSpan.FromSeconds(5));

        source.FailAlways("vault sealed (503)");
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => harness.Refresher.RefreshAsync());
        var tried = await harness.Refresher.TryRefreshAsync();

        Assert.False(tried);
        Assert.Contains("scripted:test", failure.Message, StringComparison.Ordinal);
        Assert.Contains("vault sealed (503)", failure.Message, StringComparison.Ordinal);
        Assert.Equal("good", harness.Configuration["a"]);
        Assert.Equal(0, harness.Reloads);
        var status = harness.Refresher.Status;
        Assert.Equal(2, status.ConsecutiveFailures);
        Assert.Equal(loadedAt, status.LastSuccess);
        Assert.True(status.HasLoaded);
        Assert.Equal(1, status.KeyCount);

        source.ReturnAlways(ScriptedSecretSource.Set(("a", "good")));
        Assert.True(await harness.Refresher.TryRefreshAsync());
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Equal(0, harness.Reloads);
    }

    [Fact]
    public void ARequiredSourceThatCannotBeReadThrowsNamingTheSourceAndTheCause()
    {
        var source = new ScriptedSecretSource();
        source.FailAlways("403 Forbidden: the identity lacks 'get' on secrets");

        var exception = Assert.Throws<SecretSourceException>(() => new EngineHarness(source));

        Assert.Equal("scripted:test", exception.SourceName);
        Assert.Contains("403 Forbidden", exception.Message, StringComparison.Ordinal);
        Assert.False(source.IsWatching);
    }

    [Fact]
    public async Task AnOptionalSourceThatCannotBeReadStartsEmptyAndLoadsWhenItRecovers()
    {
        var source = new ScriptedSecretSource();
        source.FailAlways();
        using var harness = new EngineHarness(source, s => s.Optional = true);
        await source.NextReadAsync();

        Assert.Null(harness.Configuration["a"]);
        Assert.False(harness.Refresher.Status.HasLoaded);
        Assert.Equal(1, harness.Refresher.Status.ConsecutiveFailures);

        source.ReturnAlways(ScriptedSecretSource.Set(("a", "late")));
        await harness.AdvanceAsync(TimeSpan.FromSeconds(2));
        await source.NextReadAsync();
        await harness.WhenIdleAsync();

        Assert.Equal("late", harness.Configuration["a"]);
        Assert.Equal(1, harness.Reloads);
        Assert.True(harness.Refresher.Status.HasLoaded);
    }

    [Fact]
    public async Task AReloadListenerThatThrowsDoesNotFailTheRefresh()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source);
        using var bad = ChangeToken.OnChange(harness.Configuration.GetReloadToken, () => throw new InvalidOperationException("listener bug"));

        source.ReturnAlways(ScriptedSecretSource.Set(("a", "2")));
        await harness.Refresher.RefreshAsync();

        Assert.Equal("2", harness.Configuration["a"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 5);
    }

    [Fact]
    public async Task DisposeStopsTheLoopTheWatcherAndTheTimers()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        var harness = new EngineHarness(source, s => s.PollInterval = TimeSpan.FromSeconds(1));
        await source.NextReadAsync();
        Assert.True(source.IsWatching);
        var provider = harness.Provider;

        harness.Dispose();
        await provider.Completion.WithTimeout("the loop to end");

        Assert.False(source.IsWatching);
        Assert.True(source.IsDisposed);
        harness.Time.Advance(TimeSpan.FromMinutes(10));
        source.FireWatcher();
        Assert.Equal(1, source.ReadCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => harness.Refresher.RefreshAsync());
    }

    [Fact]
    public async Task ARefreshWaitingWhenTheProviderIsDisposedFailsInsteadOfHanging()
    {
        var source = new ScriptedSecretSource();
        var harness = new EngineHarness(source);
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();
        var queued = harness.Refresher.RefreshAsync();

        harness.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WithTimeout("the queued refresh"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => inFlight.WithTimeout("the refresh in flight"));
    }

    [Fact]
    public async Task DisposeReturnsWhileAReadThatIgnoresCancellationIsInFlight()
    {
        // Cancelling the engine's token resumes the loop inline, on the disposing thread: the loop must find itself
        // stopped there, not spin on its cancelled timer (which hung Dispose at 100 % CPU in an earlier engine split).
        var source = new ScriptedSecretSource();
        var harness = new EngineHarness(source);
        using var blocking = new ManualResetEventSlim();
        source.BlockingGate = blocking;
        var inFlight = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();

        try
        {
            await Task.Run(harness.Dispose).WithTimeout("Dispose to return while a read ignores cancellation");
            await Assert.ThrowsAsync<ObjectDisposedException>(() => inFlight.WithTimeout("the refresh in flight"));
            await harness.Provider.Completion.WithTimeout("the loop to end");
        }
        finally
        {
            blocking.Set();
        }
    }

    [Fact]
    public async Task RefreshersAreFoundInTheConfigurationIncludingChainedOnes()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source);
        var outer = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["x"] = "y" })
            .AddConfiguration(harness.Configuration, shouldDisposeConfiguration: false)
            .Build();

        var refreshers = outer.GetSecretRefreshers();

        var refresher = Assert.Single(refreshers);
        Assert.Equal("scripted:test", refresher.SourceName);
        await refresher.RefreshAsync();
        Assert.Equal(2, source.ReadCount);
    }

    [Fact]
    public async Task MetricsCountRefreshesFailuresAndChangedKeysPerSource()
    {
        var measurements = new List<(string Instrument, double Value, string? Source)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SecretRotationDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? sourceName = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "secretrotation.source")
                {
                    sourceName = tag.Value as string;
                }
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, sourceName));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        var source = new ScriptedSecretSource { Name = "scripted:metrics" };
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s =>
        {
            // No retry may fall inside the 42 seconds this test moves the clock.
            s.MinimumBackoff = TimeSpan.FromHours(1);
            s.MaximumBackoff = TimeSpan.FromHours(1);
        });
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "2"), ("b", "3")));
        await harness.Refresher.RefreshAsync();
        source.FailAlways();
        await harness.Refresher.TryRefreshAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(42));
        listener.RecordObservableInstruments();

        List<(string Instrument, double Value, string? Source)> ours;
        lock (measurements)
        {
            ours = measurements.Where(m => m.Source == "scripted:metrics").ToList();
        }

        Assert.Equal(2, ours.Where(m => m.Instrument == "secretrotation.refreshes").Sum(m => m.Value));
        Assert.Equal(1, ours.Where(m => m.Instrument == "secretrotation.refresh.failures").Sum(m => m.Value));
        Assert.Contains(ours, m => m.Instrument == "secretrotation.changed_keys" && m.Value == 2);
        Assert.Equal(2, ours.Count(m => m.Instrument == "secretrotation.refresh.duration"));
        Assert.Contains(ours, m => m.Instrument == "secretrotation.seconds_since_last_success" && m.Value >= 42);
    }

    [Fact]
    public async Task ASecretNearItsExpiryIsLoggedOnceAndReportedInTheStatus()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source, s => s.ExpiryWarningWindow = TimeSpan.FromDays(30));
        var now = harness.Time.GetUtcNow();
        source.ReturnAlways(new SecretSet(
        [
            new("soon", new SecretEntry("a", "v1", expiresOn: now + TimeSpan.FromDays(10))),
            new("later", new SecretEntry("b", "v1", expiresOn: now + TimeSpan.FromDays(90))),
            new("never", new SecretEntry("c", "v1")),
        ]));

        await harness.Refresher.RefreshAsync();
        await harness.Refresher.RefreshAsync();

        Assert.Equal(["soon"], harness.Refresher.Status.KeysNearExpiry);
        var warning = Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 8);
        Assert.Contains("soon", warning.Message, StringComparison.Ordinal);
        harness.Time.Advance(TimeSpan.FromDays(61));
        Assert.Equal(["later", "soon"], harness.Refresher.Status.KeysNearExpiry);
    }

    [Fact]
    public async Task ASetLevelRefreshByTimeSchedulesARead()
    {
        var source = new ScriptedSecretSource();
        var start = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        source.ReturnAlways(new SecretSet([], refreshBy: start + TimeSpan.FromMinutes(3)));
        using var harness = new EngineHarness(source);
        await source.NextReadAsync();

        await harness.AdvanceAsync(TimeSpan.FromMinutes(3));
        var read = await source.NextReadAsync();

        Assert.Equal(RefreshTriggers.RefreshBy, read.Request.Triggers);
        Assert.Equal(start + TimeSpan.FromMinutes(3), read.At);
    }

    [Fact]
    public async Task ALoggerThatThrowsNeitherStopsTheLoopNorLeavesACallerWaiting()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s => s.LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(new ThrowingLoggerProvider())));

        source.ReturnAlways(ScriptedSecretSource.Set(("a", "2")));
        await CompletesWithoutHanging(harness.Refresher.RefreshAsync());
        source.FailAlways();
        await CompletesWithoutHanging(harness.Refresher.RefreshAsync());
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "3")));
        await CompletesWithoutHanging(harness.Refresher.RefreshAsync());

        Assert.Equal("3", harness.Configuration["a"]);

        static async Task CompletesWithoutHanging(Task refresh)
        {
            var outcome = await Record.ExceptionAsync(() => refresh.WithTimeout("a refresh while the log sink throws"));
            Assert.IsNotType<TimeoutException>(outcome);
        }
    }

    private sealed class ThrowingLoggerProvider : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new ThrowingLogger();

        public void Dispose()
        {
        }

        private sealed class ThrowingLogger : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                throw new InvalidOperationException("a broken log sink");
        }
    }

    [Fact]
    public void InvalidSettingsAreRejectedWithTheSettingsName()
    {
        var source = new ScriptedSecretSource();

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineHarness(source, s => s.PollJitter = 2));

        Assert.Contains("PollJitter", exception.Message, StringComparison.Ordinal);
        Assert.Equal("PollJitter", exception.ParamName);
    }

    [Theory]
    [InlineData("PollInterval")]
    [InlineData("DebounceWindow")]
    [InlineData("MinimumBackoff")]
    [InlineData("MinimumRefreshInterval")]
    [InlineData("ExpiryWarningWindow")]
    [InlineData("ReadTimeout")]
    public void EachInvalidSettingIsTheExceptionsParamName(string setting)
    {
        var source = new ScriptedSecretSource();
        Action<ScriptedConfigurationSource> configure = setting switch
        {
            "PollInterval" => s => s.PollInterval = TimeSpan.Zero,
            "DebounceWindow" => s => s.DebounceWindow = TimeSpan.FromSeconds(-1),
            "MinimumBackoff" => s => s.MinimumBackoff = TimeSpan.Zero,
            "MinimumRefreshInterval" => s => s.MinimumRefreshInterval = TimeSpan.FromSeconds(-1),
            "ExpiryWarningWindow" => s => s.ExpiryWarningWindow = TimeSpan.FromSeconds(-1),
            _ => s => s.ReadTimeout = TimeSpan.Zero,
        };

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineHarness(source, configure));

        Assert.Equal(setting, exception.ParamName);
    }
}

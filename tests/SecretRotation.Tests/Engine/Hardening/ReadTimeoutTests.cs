using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Engine.Hardening;

/// <summary>A read that never ends (a FIFO in a mount, a hung connection) must not stop refreshes or leave callers waiting.</summary>
public sealed class ReadTimeoutTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ARefreshWhoseReadBlocksItsThreadFailsAtTheReadTimeoutNamingTheSourceAndTheTimeout()
    {
        var failures = new List<long>();
        using var listener = ListenToFailures("scripted:blocked", failures);
        var source = new ScriptedSecretSource { Name = "scripted:blocked" };
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "good")));
        using var harness = new EngineHarness(source, s =>
        {
            s.ReadTimeout = TimeSpan.FromSeconds(30);
            s.MinimumBackoff = TimeSpan.FromHours(1);
            s.MaximumBackoff = TimeSpan.FromHours(1);
        });
        await source.NextReadAsync();
        using var stuck = new ManualResetEventSlim();
        source.BlockingGate = stuck;
        try
        {
            var refresh = harness.Refresher.RefreshAsync();
            await source.NextReadAsync();
            harness.Time.Advance(TimeSpan.FromSeconds(30));

            var failure = await Assert.ThrowsAsync<SecretSourceException>(() => refresh.WithTimeout("the refresh to fail at the read timeout"));

            Assert.Equal("scripted:blocked", failure.SourceName);
            Assert.Contains("ReadTimeout (00:00:30)", failure.Message, StringComparison.Ordinal);
            Assert.Equal("good", harness.Configuration["a"]);
            Assert.Equal(1, harness.Refresher.Status.ConsecutiveFailures);
            Assert.Contains("ReadTimeout (00:00:30)", harness.Refresher.Status.LastError, StringComparison.Ordinal);
            Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 3 && e.FullText.Contains("ReadTimeout (00:00:30)", StringComparison.Ordinal));
            lock (failures)
            {
                Assert.Equal(1, failures.Sum());
            }
        }
        finally
        {
            stuck.Set();
        }
    }

    [Fact]
    public async Task ARefreshWhoseReadHonoursCancellationIsCancelledAtTheReadTimeoutAndTheLoopGoesOn()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        using var harness = new EngineHarness(source, s => s.ReadTimeout = TimeSpan.FromSeconds(5));
        await source.NextReadAsync();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var refresh = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => refresh.WithTimeout("the refresh to fail at the read timeout"));

        Assert.Contains("ReadTimeout (00:00:05)", failure.Message, StringComparison.Ordinal);
        source.Gate = null;
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "2")));
        await harness.Refresher.RefreshAsync().WithTimeout("the next refresh");
        Assert.Equal("2", harness.Configuration["a"]);
        Assert.Equal(1, source.CancelledReads);
        Assert.Equal(1, source.MostReadsInFlight);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task NoSecondReadStartsBesideATimedOutReadThatIgnoresCancellationAndTheLoopGoesOnWhenItEnds()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        var logs = new CapturingLoggerProvider();
        var waitingForStuckRead = new LogEventSignal(9);
        using var harness = new EngineHarness(source, s =>
        {
            s.ReadTimeout = TimeSpan.FromSeconds(10);
            s.MinimumBackoff = TimeSpan.FromHours(1);
            s.MaximumBackoff = TimeSpan.FromHours(1);
            s.LoggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).AddProvider(waitingForStuckRead).SetMinimumLevel(LogLevel.Trace));
        }, logs);
        await source.NextReadAsync();
        using var stuck = new ManualResetEventSlim();
        source.BlockingGate = stuck;
        try
        {
            var first = harness.Refresher.RefreshAsync();
            await source.NextReadAsync();
            harness.Time.Advance(TimeSpan.FromSeconds(10));
            await Assert.ThrowsAsync<SecretSourceException>(() => first.WithTimeout("the first refresh to time out"));

            var second = harness.Refresher.RefreshAsync();
            await waitingForStuckRead.Logged.WithTimeout("the next refresh to wait for the stuck read");
            harness.Time.Advance(TimeSpan.FromSeconds(10));
            var failure = await Assert.ThrowsAsync<SecretSourceException>(() => second.WithTimeout("the second refresh to time out"));

            Assert.Contains("an earlier read that timed out is still running", failure.Message, StringComparison.Ordinal);
            Assert.Equal(2, source.ReadCount);
            Assert.Equal(2, harness.Refresher.Status.ConsecutiveFailures);

            stuck.Set();
            source.BlockingGate = null;
            source.ReturnAlways(ScriptedSecretSource.Set(("a", "2")));
            await harness.Refresher.RefreshAsync().WithTimeout("a refresh after the stuck read ended");

            Assert.Equal("2", harness.Configuration["a"]);
            Assert.Equal(1, source.MostReadsInFlight);
            Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        }
        finally
        {
            stuck.Set();
        }
    }

    [Fact]
    public async Task ARequiredSourceWhoseFirstReadTimesOutThrowsFromBuildNamingTheSourceAndTheTimeout()
    {
        var time = new FakeTimeProvider(Start);
        var source = new ScriptedSecretSource { Name = "scripted:fifo" };
        using var stuck = new ManualResetEventSlim();
        source.BlockingGate = stuck;
        try
        {
            var building = Task.Run(() => new EngineHarness(source, s => s.ReadTimeout = TimeSpan.FromSeconds(10), time: time));
            await source.NextReadAsync();
            time.Advance(TimeSpan.FromSeconds(10));

            var failure = await Assert.ThrowsAsync<SecretSourceException>(() => building.WithTimeout("Build() to fail at the read timeout"));

            Assert.Equal("scripted:fifo", failure.SourceName);
            Assert.Contains("ReadTimeout (00:00:10)", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            stuck.Set();
        }
    }

    [Fact]
    public async Task AnOptionalSourceWhoseFirstReadTimesOutStartsEmptyAndLoadsOnTheRetry()
    {
        var time = new FakeTimeProvider(Start);
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "late")));
        using var stuck = new ManualResetEventSlim();
        source.BlockingGate = stuck;
        try
        {
            var building = Task.Run(() => new EngineHarness(source, s =>
            {
                s.Optional = true;
                s.ReadTimeout = TimeSpan.FromSeconds(10);
                s.Randomizer = () => 0.5;
            }, time: time));
            await source.NextReadAsync();
            time.Advance(TimeSpan.FromSeconds(10));
            using var harness = await building.WithTimeout("Build() to return at the read timeout");

            Assert.Null(harness.Configuration["a"]);
            Assert.False(harness.Refresher.Status.HasLoaded);
            stuck.Set();
            await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
            var retry = await source.NextReadAsync();
            await harness.WhenIdleAsync();

            Assert.Equal(RefreshTriggers.Retry, retry.Request.Triggers);
            Assert.Equal("late", harness.Configuration["a"]);
            Assert.Equal(1, source.MostReadsInFlight);
        }
        finally
        {
            stuck.Set();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    [InlineData(-2)]
    public void AReadTimeoutThatIsNotPositiveIsRejectedWithTheSettingsName(int milliseconds)
    {
        var source = new ScriptedSecretSource();

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineHarness(source, s => s.ReadTimeout = TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Contains("ReadTimeout", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInfiniteReadTimeoutTurnsTheBoundOff()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source, s => s.ReadTimeout = Timeout.InfiniteTimeSpan);
        await source.NextReadAsync();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var refresh = harness.Refresher.RefreshAsync();
        await source.NextReadAsync();
        harness.Time.Advance(TimeSpan.FromDays(2));
        source.Gate.SetResult();

        await refresh.WithTimeout("the slow refresh");
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    private static MeterListener ListenToFailures(string sourceName, List<long> failures)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SecretRotationDiagnostics.MeterName && instrument.Name == "secretrotation.refresh.failures")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "secretrotation.source" && Equals(tag.Value, sourceName))
                {
                    lock (failures)
                    {
                        failures.Add(value);
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}

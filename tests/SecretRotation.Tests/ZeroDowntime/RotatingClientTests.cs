using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.ZeroDowntime;

public sealed class RotatingClientTests
{
    [Fact]
    public async Task BuildsOnFirstResolveAndRebuildsWhenAWatchedValueChanges()
    {
        await using var harness = new RotatingClientHarness();
        var client = harness.Client;
        await harness.Engine.WhenSettledAsync().WithTimeout("the first settle");
        Assert.Equal(1, client.Generation);
        Assert.Equal("p1", client.Current.Password);

        await harness.SetAsync("Db:Password", "p2");

        Assert.Equal(2, client.Generation);
        Assert.Equal("p2", client.Current.Password);
        Assert.Equal(2, harness.FactoryCalls);
        await harness.Logs.WaitForEventAsync(40, "the rebuild log");
    }

    [Fact]
    public async Task AReloadThatChangesNothingItDependsOnRebuildsNothing()
    {
        await using var harness = new RotatingClientHarness();
        var client = harness.Client;
        await harness.Engine.WhenSettledAsync().WithTimeout("the first settle");

        await harness.SetAsync("Other", "y");
        await harness.SetAsync("Db:Password", "p1");
        harness.Configuration.Reload();
        await harness.Engine.WhenSettledAsync().WithTimeout("the rebuild to settle");

        Assert.Equal(1, client.Generation);
        Assert.Equal(1, harness.FactoryCalls);
        Assert.False(harness.Built[0].IsDisposed);
    }

    [Fact]
    public async Task ANewKeyUnderTheSectionAndAnAlsoWatchedKeyRebuild()
    {
        await using var harness = new RotatingClientHarness(options => options.AlsoWatch.Add("Tls"));
        var client = harness.Client;

        await harness.SetAsync("Db:Host", "db.internal");
        Assert.Equal(2, client.Generation);

        await harness.SetAsync("Tls:Thumbprint", "t2");
        Assert.Equal(3, client.Generation);

        await harness.SetAsync("Other", "z");
        Assert.Equal(3, client.Generation);
    }

    [Fact]
    public async Task AReplacedInstanceWithoutLeasesIsDisposedAfterTheOneSecondGrace()
    {
        await using var harness = new RotatingClientHarness();
        var client = harness.Client;
        var first = client.Current;

        await harness.SetAsync("Db:Password", "p2");
        harness.FakeTime.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(first.IsDisposed);
        first.Use();

        harness.FakeTime.Advance(TimeSpan.FromMilliseconds(1));
        await first.Disposed.WithTimeout("the replaced instance to be disposed");
        Assert.Equal(1, first.DisposeCount);
        Assert.False(client.Current.IsDisposed);
    }

    [Fact]
    public async Task ALeaseKeepsTheReplacedInstanceUntilItEndsAndThenItDrains()
    {
        var measurements = new List<string>();
        using var listener = ListenTo(measurements);
        await using var harness = new RotatingClientHarness();
        var client = harness.Client;
        var lease = client.Lease();
        Assert.Equal(1, lease.Generation);

        await harness.SetAsync("Db:Password", "p2");
        harness.FakeTime.Advance(TimeSpan.FromSeconds(29));
        Assert.False(lease.Client.IsDisposed);
        lease.Client.Use();
        Assert.Equal(1, harness.Engine.Status.ReplacedInstancesDraining);

        lease.Dispose();
        await lease.Client.Disposed.WithTimeout("the drained instance to be disposed");
        lease.Dispose();
        Assert.Equal(1, lease.Client.DisposeCount);
        Assert.Equal(0, harness.Engine.Status.ReplacedInstancesDraining);
        lock (measurements)
        {
            Assert.Contains(measurements, m => m.StartsWith("secretrotation.client.drains 1", StringComparison.Ordinal) && m.Contains("secretrotation.client=TestClient", StringComparison.Ordinal));
            Assert.DoesNotContain(measurements, m => m.StartsWith("secretrotation.client.forced_disposals", StringComparison.Ordinal) && m.Contains("secretrotation.client=TestClient", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TheDrainTimeoutDisposesAnInstanceThatIsStillLeased()
    {
        var measurements = new List<string>();
        using var listener = ListenTo(measurements);
        await using var harness = new RotatingClientHarness(options => options.DrainTimeout = TimeSpan.FromSeconds(10));
        var client = harness.Client;
        var lease = client.Lease();

        await harness.SetAsync("Db:Password", "p2");
        harness.FakeTime.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.False(lease.Client.IsDisposed);

        harness.FakeTime.Advance(TimeSpan.FromTicks(1));
        await lease.Client.Disposed.WithTimeout("the forced disposal");
        await harness.Logs.WaitForEventAsync(42, "the drain timeout warning");
        lease.Dispose();
        Assert.Equal(1, lease.Client.DisposeCount);
        lock (measurements)
        {
            Assert.Contains(measurements, m => m.StartsWith("secretrotation.client.forced_disposals 1", StringComparison.Ordinal) && m.Contains("secretrotation.client.section=Db", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AFactoryThatThrowsKeepsTheOldClientAndRetriesWithExponentialBackoff()
    {
        await using var harness = new RotatingClientHarness(options => options.MaximumBackoff = TimeSpan.FromSeconds(5));
        var client = harness.Client;
        var health = harness.Services.GetRequiredService<IRotatingClientHealth>();
        harness.Fail = section => section["Password"] == "p2";

        await harness.SetAsync("Db:Password", "p2");
        Assert.Equal(1, client.Generation);
        Assert.Equal("p1", client.Current.Password);
        var status = Assert.Single(health.GetStatuses());
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Equal(typeof(InvalidOperationException).FullName, status.LastFailureType);
        Assert.Equal(harness.Time.GetUtcNow() + TimeSpan.FromSeconds(1), status.NextRetry);

        // 1 s, 2 s, 4 s, then the 5 s maximum.
        var calls = harness.FactoryCalls;
        foreach (var (delay, failures) in new[] { (1, 2), (2, 3), (4, 4), (5, 5), (5, 6) })
        {
            harness.FakeTime.Advance(TimeSpan.FromSeconds(delay) - TimeSpan.FromTicks(1));
            await harness.Engine.WhenSettledAsync().WithTimeout("no retry yet");
            Assert.Equal(calls, harness.FactoryCalls);

            harness.FakeTime.Advance(TimeSpan.FromTicks(1));
            await harness.Engine.WhenSettledAsync().WithTimeout("the retry");
            Assert.Equal(++calls, harness.FactoryCalls);
            Assert.Equal(failures, harness.Engine.Status.ConsecutiveFailures);
        }

        Assert.Equal(6, harness.Logs.Entries.Count(entry => entry.EventId.Id == 41));
        Assert.False(harness.Built[0].IsDisposed);

        // The store recovers: the next retry builds generation 2 and the status clears.
        harness.Fail = null;
        harness.FakeTime.Advance(TimeSpan.FromSeconds(5));
        await harness.Engine.WhenSettledAsync().WithTimeout("the successful retry");
        Assert.Equal(2, client.Generation);
        Assert.Equal("p2", client.Current.Password);
        status = Assert.Single(health.GetStatuses());
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Null(status.NextRetry);
        await harness.Logs.WaitForEventAsync(45, "the recovery log");
    }

    [Fact]
    public async Task ReloadsWithTheSameFailingValuesWaitForTheBackoffButANewValueIsTriedAtOnce()
    {
        await using var harness = new RotatingClientHarness();
        var client = harness.Client;
        harness.Fail = section => section["Password"]!.StartsWith("bad", StringComparison.Ordinal);

        await harness.SetAsync("Db:Password", "bad-1");
        var calls = harness.FactoryCalls;
        for (var i = 0; i < 5; i++)
        {
            await harness.SetAsync("Other", $"unrelated-{i}");
        }

        Assert.Equal(calls, harness.FactoryCalls);
        Assert.Equal(1, harness.Engine.Status.ConsecutiveFailures);

        await harness.SetAsync("Db:Password", "bad-2");
        Assert.Equal(calls + 1, harness.FactoryCalls);
        Assert.Equal(2, harness.Engine.Status.ConsecutiveFailures);

        await harness.SetAsync("Db:Password", "good");
        Assert.Equal(2, client.Generation);
        Assert.Equal(0, harness.Engine.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task AFailingRebuildIsAbandonedWhenTheConfigurationChangesBackToWhatTheClientWasBuiltFrom()
    {
        await using var harness = new RotatingClientHarness();
        var client = harness.Client;
        harness.Fail = section => section["Password"] == "bad";

        await harness.SetAsync("Db:Password", "bad");
        Assert.Equal(1, harness.Engine.Status.ConsecutiveFailures);

        await harness.SetAsync("Db:Password", "p1");
        Assert.Equal(0, harness.Engine.Status.ConsecutiveFailures);
        Assert.Equal(1, client.Generation);
        var calls = harness.FactoryCalls;
        harness.FakeTime.Advance(TimeSpan.FromMinutes(10));
        await harness.Engine.WhenSettledAsync().WithTimeout("no retry");
        Assert.Equal(calls, harness.FactoryCalls);
    }

    [Fact]
    public async Task AZeroDrainTimeoutDisposesTheReplacedInstanceAtTheSwapAndAnInfiniteOneWaitsForTheLastLease()
    {
        await using (var immediate = new RotatingClientHarness(options => options.DrainTimeout = TimeSpan.Zero))
        {
            var lease = immediate.Client.Lease();
            await immediate.SetAsync("Db:Password", "p2");
            await lease.Client.Disposed.WithTimeout("the disposal at the swap");
            await immediate.Logs.WaitForEventAsync(42, "the forced disposal warning");
            lease.Dispose();
        }

        await using var patient = new RotatingClientHarness(options => options.DrainTimeout = Timeout.InfiniteTimeSpan);
        var held = patient.Client.Lease();
        await patient.SetAsync("Db:Password", "p2");
        patient.FakeTime.Advance(TimeSpan.FromDays(1));
        Assert.False(held.Client.IsDisposed);
        held.Dispose();
        await held.Client.Disposed.WithTimeout("the disposal after the last lease");
    }

    [Fact]
    public async Task AFactoryThatReturnsNullCountsAsAFailedRebuild()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "p1" }).Build();
        var logs = new CapturingLoggerProvider();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider())
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(logs.CreateFactory())
            .AddRotatingClient("Db", (_, section) => section["Password"] == "p1" ? new TestClient("p1", 1) : null!)
            .BuildServiceProvider();
        var client = services.GetRequiredService<IRotatingClient<TestClient>>();

        configuration["Db:Password"] = "p2";
        configuration.Reload();
        await logs.WaitForEventAsync(41, "the failed rebuild");

        Assert.Equal("p1", client.Current.Password);
        var status = Assert.Single(services.GetRequiredService<IRotatingClientHealth>().GetStatuses());
        Assert.Equal(typeof(InvalidOperationException).FullName, status.LastFailureType);
        Assert.Equal("TestClient", status.ClientType);
        Assert.Equal("Db", status.Section);
    }

    [Fact]
    public async Task ALoggerThatThrowsStopsNeitherRebuildsNorTheDisposalOfReplacedInstances()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "p1" }).Build();
        var built = new List<TestClient>();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(Microsoft.Extensions.Logging.LoggerFactory.Create(logging => logging.AddProvider(new ThrowingLoggerProvider())))
            .AddRotatingClient("Db", (_, section) =>
            {
                lock (built)
                {
                    built.Add(new TestClient(section["Password"], built.Count + 1));
                    return built[^1];
                }
            }, options => options.DrainTimeout = TimeSpan.Zero)
            .BuildServiceProvider();
        var client = (SecretRotation.RotatingClients.RotatingClient<TestClient>)services.GetRequiredService<IRotatingClient<TestClient>>();

        for (var i = 2; i <= 4; i++)
        {
            configuration["Db:Password"] = $"p{i}";
            configuration.Reload();
            await client.WhenSettledAsync().WithTimeout("the rebuild");
            Assert.Equal(i, client.Generation);
            await built[i - 2].Disposed.WithTimeout("the replaced instance to be disposed");
        }
    }

    [Fact]
    public void AFirstBuildThatThrowsFailsTheResolve()
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddRotatingClient<TestClient>("Db", (_, _) => throw new InvalidOperationException("no database"))
            .BuildServiceProvider();
        using (services)
        {
            Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IRotatingClient<TestClient>>());
        }
    }

    [Fact]
    public async Task DisposingTheServiceProviderDisposesTheCurrentAndTheDrainingInstances()
    {
        var harness = new RotatingClientHarness();
        var client = harness.Client;
        var lease = client.Lease();
        await harness.SetAsync("Db:Password", "p2");
        var current = client.Current;

        await harness.DisposeAsync();

        Assert.Equal(1, current.DisposeCount);
        Assert.Equal(1, lease.Client.DisposeCount);
        Assert.Throws<ObjectDisposedException>(() => client.Current);
        Assert.Throws<ObjectDisposedException>(() => client.Lease());
        lease.Dispose();
        Assert.Equal(1, lease.Client.DisposeCount);

        // A reload after disposal builds nothing.
        var calls = harness.FactoryCalls;
        harness.Configuration["Db:Password"] = "p3";
        harness.Configuration.Reload();
        Assert.Equal(calls, harness.FactoryCalls);
    }

    [Fact]
    public async Task SynchronousDisposalOfTheServiceProviderDisposesAnAsyncOnlyClient()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:ConnectionString"] = "x" }).Build();
        var created = new AsyncOnlyTestClient();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddRotatingClient("Bus", (_, _) => created)
            .BuildServiceProvider();
        _ = services.GetRequiredService<IRotatingClient<AsyncOnlyTestClient>>().Current;

        services.Dispose();

        await created.Disposed.WithTimeout("the async-only client to be disposed");
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddRotatingClient<TestClient>("Db", (_, s) => new TestClient(s["Password"], 1), o => o.DrainTimeout = TimeSpan.FromSeconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddRotatingClient<TestClient>("Db", (_, s) => new TestClient(s["Password"], 1), o => o.MinimumBackoff = TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddRotatingClient<TestClient>("Db", (_, s) => new TestClient(s["Password"], 1), o => o.MaximumBackoff = TimeSpan.FromMilliseconds(10)));
        Assert.Throws<ArgumentException>(() => services.AddRotatingClient<TestClient>(" ", (_, s) => new TestClient(s["Password"], 1)));
        Assert.Throws<ArgumentException>(() => services.AddRotatingClient<TestClient>("Db", (_, s) => new TestClient(s["Password"], 1), o => o.AlsoWatch.Add("")));
    }

    internal static MeterListener ListenTo(List<string> measurements)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SecretRotationDiagnostics.MeterName && instrument.Name.StartsWith("secretrotation.client", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var text = $"{instrument.Name} {value} {string.Join(' ', tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}"))}";
            lock (measurements)
            {
                measurements.Add(text);
            }
        });
        listener.Start();
        return listener;
    }
}

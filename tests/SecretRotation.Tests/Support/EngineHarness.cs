using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;

using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Support;

/// <summary>A configuration root with one engine around a scripted source, on a fake clock.</summary>
public sealed class EngineHarness : IDisposable
{
    private readonly IDisposable _reloadSubscription;
    private int _reloads;

    /// <param name="time">The fake clock to drive, when a test needs it before the first read (default: a new one at 2026-11-26 12:00 UTC).</param>
    public EngineHarness(ScriptedSecretSource source, Action<ScriptedConfigurationSource>? configure = null, CapturingLoggerProvider? logs = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        Source = source;
        Logs = logs ?? new CapturingLoggerProvider();
        var configurationSource = new ScriptedConfigurationSource(source)
        {
            TimeProvider = Time,
            LoggerFactory = Logs.CreateFactory(),
            PollInterval = null,
        };
        source.Clock = Time;
        configure?.Invoke(configurationSource);
        Configuration = new ConfigurationBuilder().Add(configurationSource).Build();
        Provider = Configuration.Providers.OfType<SecretConfigurationProvider>().Single();
        _reloadSubscription = ChangeToken.OnChange(Configuration.GetReloadToken, () => Interlocked.Increment(ref _reloads));
    }

    public FakeTimeProvider Time { get; }

    public ScriptedSecretSource Source { get; }

    public CapturingLoggerProvider Logs { get; }

    public IConfigurationRoot Configuration { get; }

    internal SecretConfigurationProvider Provider { get; }

    public ISecretRefresher Refresher => Provider;

    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>Moves the fake clock once the loop's timer exists.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await Provider.WhenIdleAsync().WithTimeout("the refresh loop to wait");
        Time.Advance(by);
    }

    public Task WhenIdleAsync() => Provider.WhenIdleAsync().WithTimeout("the refresh loop to wait");

    public void Dispose()
    {
        _reloadSubscription.Dispose();
        (Configuration as IDisposable)?.Dispose();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests;

/// <summary>The Vault emulator and a Vault source on one fake clock: tokens, leases and polls move when the test moves time.</summary>
internal sealed class VaultHarness : IAsyncDisposable
{
    public static readonly TimeSpan Poll = TimeSpan.FromMinutes(5);

    private readonly TemporaryDirectory _files = new();
    private ReloadProbe? _reloads;
    private FakeClockLoop _clock = null!;

    private VaultHarness(VaultEmulator emulator, FakeTimeProvider time)
    {
        Emulator = emulator;
        Time = time;
    }

    public VaultEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public ConfigurationRoot Configuration { get; private set; } = null!;

    public ISecretRefresher Refresher => Provider;

    public int Reloads => _reloads?.Count ?? 0;

    internal SecretConfigurationProvider Provider { get; private set; } = null!;

    public static async Task<VaultHarness> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        return new VaultHarness(await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = time }), time);
    }

    /// <summary>Writes a file (a service-account JWT, a token sink) under the harness's temp folder.</summary>
    public string WriteFile(string name, string content)
    {
        var path = _files.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    public VaultHarness Build(Action<HashiCorpVaultSource> configure)
    {
        Configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddHashiCorpVault(o =>
            {
                o.Address = Emulator.Address;
                o.TimeProvider = Time;
                o.LoggerFactory = Logs.CreateFactory();
                o.PollInterval = Poll;
                o.PollJitter = 0;
                configure(o);
            })
            .Build();
        Provider = Configuration.Providers.OfType<SecretConfigurationProvider>().Single();
        _reloads = new ReloadProbe(Configuration);
        _clock = new FakeClockLoop(Time, Provider.WhenIdleAsync);
        return this;
    }

    /// <summary>Moves the clock (once the loop's timer exists) and waits until the loop has handled it.</summary>
    public Task AdvanceAsync(TimeSpan by) => _clock.AdvanceAsync(by);

    /// <summary>Moves the clock in steps, so every timer due on the way runs at (about) its time.</summary>
    public Task AdvanceInStepsAsync(TimeSpan total, TimeSpan step) => _clock.AdvanceInStepsAsync(total, step);

    public int Count(string method, string pathPrefix) => Emulator.CountRequests(method, pathPrefix);

    public async ValueTask DisposeAsync()
    {
        _reloads?.Dispose();
        Configuration?.Dispose();
        await Emulator.DisposeAsync();
        _files.Dispose();
    }
}

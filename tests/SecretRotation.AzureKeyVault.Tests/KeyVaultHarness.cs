using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AzureKeyVault.Tests;

/// <summary>
/// The emulator and a Key Vault source on one fake clock: the vault stamps <c>updated</c> with it and the engine polls by it,
/// so tests move time instead of waiting.
/// </summary>
internal sealed class KeyVaultHarness : IAsyncDisposable
{
    public static readonly TimeSpan Poll = TimeSpan.FromMinutes(5);

    private ReloadProbe? _reloads;
    private FakeClockLoop _clock = null!;

    private KeyVaultHarness(KeyVaultEmulator emulator, FakeTimeProvider time)
    {
        Emulator = emulator;
        Time = time;
    }

    public KeyVaultEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public ConfigurationRoot Configuration { get; private set; } = null!;

    public ISecretRefresher Refresher => Provider;

    public int Reloads => _reloads?.Count ?? 0;

    internal SecretConfigurationProvider Provider { get; private set; } = null!;

    public static async Task<KeyVaultHarness> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time });
        return new KeyVaultHarness(emulator, time);
    }

    public KeyVaultHarness Build(Action<AzureKeyVaultSecretsSource>? configure = null)
    {
        Configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddAzureKeyVaultSecrets(Emulator.CreateClient(TestSecretClientOptions.ZeroDelayRetries()), s =>
            {
                s.TimeProvider = Time;
                s.LoggerFactory = Logs.CreateFactory();
                s.PollInterval = Poll;
                s.PollJitter = 0;
                configure?.Invoke(s);
            })
            .Build();
        Provider = Configuration.Providers.OfType<SecretConfigurationProvider>().Single();
        _reloads = new ReloadProbe(Configuration);
        _clock = new FakeClockLoop(Time, Provider.WhenIdleAsync);
        return this;
    }

    /// <summary>Moves the clock (once the loop's timer exists) and waits until the loop has handled it.</summary>
    public Task AdvanceAsync(TimeSpan by) => _clock.AdvanceAsync(by);

    /// <summary>One scheduled poll, as the clock would run it.</summary>
    public Task PollAsync() => AdvanceAsync(Poll);

    public Task WaitForReloadAsync(Func<bool> condition, string what) => _reloads!.WaitAsync(condition, what);

    public int Gets(string? name = null) => Emulator.CountRequests(KeyVaultOperation.GetSecret, name);

    public int Lists() => Emulator.CountRequests(KeyVaultOperation.ListSecrets);

    public async ValueTask DisposeAsync()
    {
        _reloads?.Dispose();
        Configuration?.Dispose();
        await Emulator.DisposeAsync();
    }
}

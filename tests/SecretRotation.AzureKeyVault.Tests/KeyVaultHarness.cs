using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
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

    private readonly SemaphoreSlim _reloaded = new(0);
    private IDisposable? _subscription;
    private int _reloads;

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

    public int Reloads => Volatile.Read(ref _reloads);

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
            .AddAzureKeyVaultSecrets(Emulator.CreateClient(KeyVaultStore.QuickRetries()), s =>
            {
                s.TimeProvider = Time;
                s.LoggerFactory = Logs.CreateFactory();
                s.PollInterval = Poll;
                s.PollJitter = 0;
                configure?.Invoke(s);
            })
            .Build();
        Provider = Configuration.Providers.OfType<SecretConfigurationProvider>().Single();
        _subscription = ChangeToken.OnChange(Configuration.GetReloadToken, () =>
        {
            Interlocked.Increment(ref _reloads);
            _reloaded.Release();
        });
        return this;
    }

    /// <summary>Moves the clock (once the loop's timer exists) and waits until the loop has handled it.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await Provider.WhenIdleAsync().WithTimeout("the refresh loop to wait");
        Time.Advance(by);
        await Provider.WhenIdleAsync().WithTimeout("the refresh loop to finish");
    }

    /// <summary>One scheduled poll, as the clock would run it.</summary>
    public Task PollAsync() => AdvanceAsync(Poll);

    public async Task WaitForReloadAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Signal.Timeout;
        while (!condition())
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _reloaded.WaitAsync(left))
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
        }
    }

    public int Gets(string? name = null) => Emulator.CountRequests(KeyVaultOperation.GetSecret, name);

    public int Lists() => Emulator.CountRequests(KeyVaultOperation.ListSecrets);

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        Configuration?.Dispose();
        await Emulator.DisposeAsync();
        _reloaded.Dispose();
    }
}

using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.HashiCorpVault;
using SecretRotation.Testing;
using SecretRotation.TestSupport;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Tests;

/// <summary>A Key Vault emulator, a Vault emulator, and reconcilers wired to them (a new one per "process").</summary>
internal sealed class MirrorHarness : IAsyncDisposable
{
    private readonly List<IDisposable> _disposables = [];
    private readonly ServiceProvider _metricsProvider = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private MirrorHarness(KeyVaultEmulator keyVault, VaultEmulator vault, FakeTimeProvider time)
    {
        Time = time;
        KeyVault = keyVault;
        Vault = vault;
        Options = new MirrorOptions
        {
            KeyVaultUri = keyVault.VaultUri,
            VaultAddress = vault.Address,
            VaultMount = "secret",
            VaultPathPrefix = "mirror/",
            Auth = new MirrorAuthOptions { Method = VaultAuthKind.Token, Token = vault.RootToken },
        };
        SecretClient = keyVault.CreateClient(NoRetries());
    }

    public KeyVaultEmulator KeyVault { get; }

    public VaultEmulator Vault { get; }

    public MirrorOptions Options { get; }

    public SecretClient SecretClient { get; }

    /// <summary>The clock of both emulators and the mirror.</summary>
    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The meter factory of every reconciler's <see cref="MirrorMetrics"/> (a meter's <c>Scope</c> tells this harness's apart).</summary>
    public System.Diagnostics.Metrics.IMeterFactory MeterFactory => _metricsProvider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public int VaultDataWrites => Vault.CountRequests("POST", "secret/data/mirror");

    public int KeyVaultGets => KeyVault.CountRequests(KeyVaultOperation.GetSecret);

    public static async Task<MirrorHarness> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var keyVault = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time });
        var vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = time });
        return new MirrorHarness(keyVault, vault, time);
    }

    public static SecretClientOptions NoRetries() => new() { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(30) } };

    /// <summary>
    /// A new reconciler with no memory, as after a restart; <paramref name="vaultHandler"/> sees every Vault request;
    /// <paramref name="auth"/> is how it logs in to Vault (default: the root token).
    /// </summary>
    public MirrorReconciler CreateReconciler(HttpMessageHandler? vaultHandler = null, VaultAuthMethod? auth = null)
    {
        var factory = Logs.CreateFactory();
        var client = CreateVaultClient(factory, vaultHandler, auth);
        var reconciler = new MirrorReconciler(
            Options,
            SecretClient,
            client,
            new MirrorMetrics(MeterFactory),
            new MirrorStatus(),
            Time,
            factory.CreateLogger<MirrorReconciler>());
        _disposables.Add(reconciler);
        _disposables.Add(client);
        _disposables.Add(factory);
        return reconciler;
    }

    /// <summary>Lets the clock pass Key Vault's one-second <c>updated</c> resolution, then runs a pass that records it.</summary>
    public async Task<MirrorPassResult> SettleAsync(MirrorReconciler reconciler)
    {
        Time.Advance(MirrorReconciler.SettleTime + TimeSpan.FromSeconds(1));
        return await reconciler.ReconcileAllAsync(CancellationToken.None);
    }

    /// <summary>The mirrored value at <c>secret/mirror/{name}</c>, or null when absent or deleted.</summary>
    public string? MirroredValue(string name) =>
        Vault.ReadKv($"secret/mirror/{name}") is { } data && data.TryGetProperty("value", out var value) ? value.GetString() : null;

    /// <summary>The Vault metadata of the mirrored path, read over HTTP as the mirror does.</summary>
    public async Task<VaultSecretState> ReadStateAsync(string name)
    {
        var factory = Logs.CreateFactory();
        using var client = CreateVaultClient(factory, vaultHandler: null, auth: null);
        var target = new VaultMirrorTarget(client, Options);
        var state = await target.ReadStateAsync(name, CancellationToken.None);
        factory.Dispose();
        return state;
    }

    private VaultClient CreateVaultClient(ILoggerFactory factory, HttpMessageHandler? vaultHandler, VaultAuthMethod? auth) =>
        new(
            new VaultClientOptions
            {
                Address = Vault.Address,
                Authentication = auth ?? VaultAuthMethod.Token(Vault.RootToken),
                HttpMessageHandler = vaultHandler ?? new SocketsHttpHandler(),
                TimeProvider = Time,
            },
            factory.CreateLogger<VaultClient>());

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await _metricsProvider.DisposeAsync();
        Logs.Dispose();
        await Vault.DisposeAsync();
        await KeyVault.DisposeAsync();
    }
}

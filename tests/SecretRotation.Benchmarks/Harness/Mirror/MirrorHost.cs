using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretRotation.Testing;
using SecretRotation.VaultMirror.Hosting;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.Benchmarks.Harness.Mirror;

/// <summary>
/// The Vault Mirror service as its Program builds it (<c>MirrorApplication.Build</c>, poll worker, <c>/events</c>) on
/// http://127.0.0.1, against a Key Vault emulator and a Vault emulator, with Event Grid deliveries by <see cref="EventGridDeliverer"/>.
/// </summary>
internal sealed class MirrorHost : IAsyncDisposable
{
    public const string EventKey = "mirror-harness-event-key-0123";
    public const string VaultName = "benchmark-vault";

    private MirrorHost(KeyVaultEmulator keyVault, VaultEmulator vault, WebApplication app, HttpClient client)
    {
        KeyVault = keyVault;
        Vault = vault;
        App = app;
        Client = client;
        Deliverer = new EventGridDeliverer(client, new Uri("/events", UriKind.Relative), new EventGridDeliveryOptions
        {
            Schema = EventGridSchema.EventGrid,
            QueryString = $"code={EventKey}",
            MaxEventsPerBatch = 1,
            MaxAttempts = 1,
        });
    }

    public KeyVaultEmulator KeyVault { get; }

    public VaultEmulator Vault { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public EventGridDeliverer Deliverer { get; }

    public MirrorStatus Status => App.Services.GetRequiredService<MirrorStatus>();

    public MirrorReconciler Reconciler => App.Services.GetRequiredService<MirrorReconciler>();

    public MirrorRequestCounts Counts() => MirrorRequestCounts.Of(KeyVault, Vault);

    /// <summary>Starts both emulators, lets <paramref name="seed"/> write Key Vault secrets, then starts the mirror and waits for its first pass.</summary>
    public static async Task<MirrorHost> StartAsync(TimeSpan pollInterval, Action<KeyVaultEmulator> seed, FakeClock? clock = null)
    {
        var keyVault = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = clock?.Fake ?? TimeProvider.System });
        var vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = clock?.Fake ?? TimeProvider.System });
        seed(keyVault);
        clock?.Fake.Advance(TimeSpan.FromSeconds(3));

        string[] args =
        [
            $"--Mirror:KeyVaultUri={keyVault.VaultUri}",
            $"--Mirror:VaultAddress={vault.Address}",
            $"--Mirror:VaultMount={MirrorRequestCounts.Mount}",
            $"--Mirror:VaultPathPrefix={MirrorRequestCounts.PathPrefix}",
            "--Mirror:Auth:Method=Token",
            $"--Mirror:Auth:Token={vault.RootToken}",
            $"--Mirror:PollInterval={pollInterval:c}",
            $"--Mirror:EventKeys:0={EventKey}",
            "--urls=http://127.0.0.1:0",
        ];
        var secretClient = keyVault.CreateClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });
        var app = MirrorApplication.Build(args, once: false, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(secretClient);
            builder.Services.AddSingleton(new VaultHandlerOverride(new SocketsHttpHandler()));
            if (clock is not null)
            {
                builder.Services.AddSingleton<TimeProvider>(clock.Recording);
            }
        });
        await app.StartAsync();
        await app.Services.GetRequiredService<MirrorStatus>().FirstPass.WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        var host = new MirrorHost(keyVault, vault, app, client);
        var handshake = await host.Deliverer.HandshakeAsync();
        return handshake.Succeeded ? host : throw new InvalidOperationException($"The /events handshake failed: {handshake.Failure} ({handshake.StatusCode}).");
    }

    public EventGridTestEvent NewVersionEvent(string name, string version) =>
        KeyVaultEvents.SecretNewVersionCreated(VaultName, name, version, new KeyVaultEventOptions { VaultUri = KeyVault.VaultUri });

    /// <summary>The mirrored value, read from the emulator's state (no request).</summary>
    public string? Mirrored(string name) =>
        Vault.ReadKv($"{MirrorRequestCounts.Mount}/{MirrorRequestCounts.PathPrefix}{name}") is { } data && data.TryGetProperty("value", out var value) ? value.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Vault.DisposeAsync();
        await KeyVault.DisposeAsync();
    }

}

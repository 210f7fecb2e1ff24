using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using SecretRotation.Engine;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// An app as a pod runs it: Kestrel on <c>http://127.0.0.1:0</c>, <c>AddAzureKeyVaultSecrets</c> over a
/// <see cref="KeyVaultEmulator"/> (real <c>SecretClient</c>, loopback HTTPS, every source default: whole vault, 5-min poll
/// with ±10 % jitter), <c>DbCredentials</c> bound to the <c>Db</c> section, and <c>MapSecretRotationEvents</c> with one
/// access key. Events go to it through one <see cref="EventGridDeliverer"/> on one <see cref="HttpClient"/>.
/// </summary>
internal sealed class PushHost : IAsyncDisposable
{
    public const string Pattern = "/secret-rotation/events";

    /// <summary>The vault name the events carry (Event Grid names the vault; its <c>Id</c> URL carries the emulator's host).</summary>
    public const string VaultName = "benchmark-vault";

    private const string AccessKey = "events-harness-key";

    private readonly IDisposable _reloadRegistration;
    private int _reloads;

    private PushHost(KeyVaultEmulator vault, WebApplication app, HttpClient client)
    {
        Vault = vault;
        App = app;
        Client = client;
        Provider = ((IConfiguration)app.Configuration).GetSecretProviders().Single();
        Deliverer = new EventGridDeliverer(client, new Uri(Pattern, UriKind.Relative), new EventGridDeliveryOptions
        {
            Schema = EventGridSchema.EventGrid,
            QueryString = $"code={AccessKey}",
            MaxEventsPerBatch = 1,

            // One attempt per event: a failed POST shows in the status mix instead of being hidden by a retry.
            MaxAttempts = 1,
        });
        _reloadRegistration = ChangeToken.OnChange(((IConfiguration)app.Configuration).GetReloadToken, () => Interlocked.Increment(ref _reloads));
    }

    public KeyVaultEmulator Vault { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public EventGridDeliverer Deliverer { get; }

    /// <summary>The Key Vault source's engine (its name tags the refresh activities).</summary>
    public SecretConfigurationProvider Provider { get; }

    public IConfiguration Configuration => App.Configuration;

    /// <summary>Reload-token firings of the app's configuration since start.</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>
    /// Starts the emulator, lets <paramref name="seed"/> write the secrets the app loads at start, then builds and starts the
    /// app. The emulator's request log is cleared once the app has started, so it holds only what events cause.
    /// </summary>
    public static async Task<PushHost> StartAsync(Action<KeyVaultEmulator> seed)
    {
        var vault = await KeyVaultEmulator.StartAsync();
        seed(vault);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddAzureKeyVaultSecrets(vault.CreateClient(), static _ => { });
        builder.Services.AddSecretRotation();
        builder.Services.Configure<DbCredentials>(builder.Configuration.GetSection("Db"));
        var app = builder.Build();
        app.MapSecretRotationEvents(Pattern, options => options.AccessKeys.Add(AccessKey));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        vault.ClearRequests();
        return new PushHost(vault, app, client);
    }

    /// <summary>A <c>Microsoft.KeyVault.SecretNewVersionCreated</c> event (a new event id) for this vault.</summary>
    public EventGridTestEvent NewVersionEvent(string secretName, string version) =>
        KeyVaultEvents.SecretNewVersionCreated(VaultName, secretName, version, new KeyVaultEventOptions { VaultUri = Vault.VaultUri });

    /// <summary>Authenticated GETs of a secret the emulator has answered since start.</summary>
    public int Gets() => Vault.CountRequests(KeyVaultOperation.GetSecret);

    /// <summary>Authenticated List requests (pages) the emulator has answered since start.</summary>
    public int Lists() => Vault.CountRequests(KeyVaultOperation.ListSecrets);

    /// <summary>
    /// Waits until the emulator's log holds at least <paramref name="gets"/> GETs: it records a request after answering it, so
    /// a count taken right after the app's answer can miss the last one by a few microseconds.
    /// </summary>
    public async Task WaitForGetsAsync(int gets, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Gets() < gets && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reloadRegistration.Dispose();
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Vault.DisposeAsync();
    }
}

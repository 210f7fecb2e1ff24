using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>
/// A real Kestrel app on 127.0.0.1 that reads the Key Vault emulator (polling off, so only push refreshes) and maps the
/// events endpoint with two valid keys.
/// </summary>
internal sealed class EventsHost : IAsyncDisposable
{
    public const string Key = "key-1-for-tests";
    public const string OtherKey = "key-2-for-tests";

    private readonly SemaphoreSlim _reloaded = new(0);
    private IDisposable? _subscription;
    private int _reloads;

    private EventsHost(KeyVaultEmulator vault, WebApplication app)
    {
        Vault = vault;
        App = app;
    }

    public KeyVaultEmulator Vault { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; private set; } = null!;

    public string VaultHost => Vault.VaultUri.Authority;

    public int Reloads => Volatile.Read(ref _reloads);

    public static async Task<EventsHost> StartAsync(Action<KeyVaultEmulator>? seed = null, Action<SecretRotationEventsOptions>? configure = null, Action<WebApplicationBuilder>? build = null, Action<AzureKeyVaultSecretsSource>? source = null)
    {
        var vault = await KeyVaultEmulator.StartAsync();
        vault.SetSecret("Db--Password", "push-1");
        vault.SetSecret("Db--User", "app");
        seed?.Invoke(vault);
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Configuration.AddAzureKeyVaultSecrets(vault.CreateClient(TestSecretClientOptions.ZeroDelayRetries()), s =>
        {
            s.PollInterval = null;
            source?.Invoke(s);
        });
        builder.Services.AddSecretRotation();
        build?.Invoke(builder);
        var app = builder.Build();
        app.MapSecretRotationEvents("/events", o =>
        {
            o.AccessKeys.Add(Key);
            o.AccessKeys.Add(OtherKey);
            configure?.Invoke(o);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new EventsHost(vault, app) { Client = new HttpClient { BaseAddress = new Uri(address) } };
        host._subscription = ChangeToken.OnChange(((IConfiguration)app.Configuration).GetReloadToken, () =>
        {
            Interlocked.Increment(ref host._reloads);
            host._reloaded.Release();
        });
        host.Logs = logs;
        vault.ClearRequests();
        return host;
    }

    public CapturingLoggerProvider Logs { get; private set; } = null!;

    public IConfiguration Configuration => App.Configuration;

    public int Gets(string? name = null) => Vault.CountRequests(KeyVaultOperation.GetSecret, name);

    public int Lists() => Vault.CountRequests(KeyVaultOperation.ListSecrets);

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Vault.DisposeAsync();
        _reloaded.Dispose();
    }
}

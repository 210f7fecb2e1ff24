using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SecretRotation.AspNetCore.ServiceBus;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>
/// The Service Bus receiver's services as an app registers them (receiver and health check), over a configuration that reads
/// the Key Vault emulator with the real SecretClient (polling off, so only pushes refresh). No broker: tests hand messages to
/// the handler the processor would call.
/// </summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    /// <summary>A well-formed connection string to a namespace that does not exist; its key must never be logged.</summary>
    public const string SharedAccessKey = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";
    public const string ConnectionString = "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=tests;SharedAccessKey=" + SharedAccessKey;

    private readonly ServiceProvider _services;

    private ReceiverHost(KeyVaultEmulator vault, IConfigurationRoot configuration, ServiceProvider services, CapturingLoggerProvider logs)
    {
        Vault = vault;
        Configuration = configuration;
        _services = services;
        Logs = logs;
    }

    public KeyVaultEmulator Vault { get; }

    public IConfigurationRoot Configuration { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _services;

    public string VaultHost => Vault.VaultUri.Authority;

    public ServiceBusEventHandler Handler => _services.GetRequiredService<ServiceBusEventHandler>();

    public static async Task<ReceiverHost> StartAsync(Action<KeyVaultEmulator>? seed = null, Action<SecretRotationServiceBusOptions>? configure = null, Action<IServiceCollection>? register = null)
    {
        var vault = await KeyVaultEmulator.StartAsync();
        try
        {
            vault.SetSecret("Db--Password", "push-1");
            vault.SetSecret("Db--User", "app");
            seed?.Invoke(vault);
            var configuration = new ConfigurationBuilder().AddAzureKeyVaultSecrets(vault.CreateClient(TestSecretClientOptions.ZeroDelayRetries()), s => s.PollInterval = null).Build();
            var logs = new CapturingLoggerProvider();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
            services.AddSecretRotationServiceBusReceiver(o =>
            {
                o.ConnectionString = ConnectionString;
                o.TopicName = "key-vault-events";
                configure?.Invoke(o);
            });
            services.AddHealthChecks().AddSecretRotation(o => o.StalenessThreshold = null);
            register?.Invoke(services);
            var host = new ReceiverHost(vault, configuration, services.BuildServiceProvider(validateScopes: true), logs);
            vault.ClearRequests();
            return host;
        }
        catch
        {
            await vault.DisposeAsync();
            throw;
        }
    }

    public int Gets(string? name = null) => Vault.CountRequests(KeyVaultOperation.GetSecret, name);

    public int Lists() => Vault.CountRequests(KeyVaultOperation.ListSecrets);

    public Task<HealthReport> HealthAsync() => _services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        (Configuration as IDisposable)?.Dispose();
        await Vault.DisposeAsync();
    }
}

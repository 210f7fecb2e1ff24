using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SecretRotation;
using SecretRotation.AspNetCore.Events;
using SecretRotation.AspNetCore.ServiceBus;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Service Bus receiver of Key Vault events.</summary>
public static class SecretRotationServiceBusServiceCollectionExtensions
{
    private const string LogCategory = "SecretRotation.ServiceBus";

    /// <summary>
    /// Receives Key Vault's events (<c>SecretNewVersionCreated</c>, <c>SecretNearExpiry</c>, <c>SecretExpired</c>) from a
    /// Service Bus topic that the vault's Event Grid system topic delivers to, in the Event Grid or CloudEvents schema, and
    /// refreshes the secret sources that read that vault, exactly as <c>MapSecretRotationEvents</c> does. By default each
    /// replica creates and reads its own subscription (see <see cref="SecretRotationServiceBusOptions.SubscriptionName"/>),
    /// so every replica hears every event. Messages that cannot be events are dead-lettered at once; a failed refresh is
    /// retried by redelivery until the subscription's MaxDeliveryCount. The options are checked when the host starts.
    /// </summary>
    /// <returns>The same <paramref name="services"/>.</returns>
    public static IServiceCollection AddSecretRotationServiceBusReceiver(this IServiceCollection services, Action<SecretRotationServiceBusOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SecretRotationServiceBusOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretRotationServiceBusOptions>, ServiceBusOptionsValidator>());

        // One ExpiryAlerts for the receiver, the webhook (MapSecretRotationEvents resolves it) and the health check.
        services.TryAddSingleton<ExpiryAlerts>();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SecretRotationServiceBusOptions>>().Value;
            var loggerFactory = provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            var dispatcher = new SecretRotationEventDispatcher(
                provider.GetRequiredService<IConfiguration>(),
                new SecretRotationEventsOptions
                {
                    RefreshTimeout = options.RefreshTimeout,
                    MaxRandomDelay = options.MaxRandomDelay,
                    TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
                },
                provider.GetRequiredService<ExpiryAlerts>(),
                loggerFactory.CreateLogger("SecretRotation.Events"));
            return new ServiceBusEventHandler(dispatcher, loggerFactory.CreateLogger(LogCategory));
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ServiceBusReceiverService>(provider => new ServiceBusReceiverService(
            provider.GetRequiredService<IOptions<SecretRotationServiceBusOptions>>(),
            provider.GetRequiredService<ServiceBusEventHandler>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(LogCategory))));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SecretRotation;
using SecretRotation.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SecretRotation's services.</summary>
public static class SecretRotationServiceCollectionExtensions
{
    /// <summary>
    /// Connects the secret sources already added to the app's configuration to the host: from host start on they log
    /// through the app's <c>ILoggerFactory</c>. Registers <see cref="ISecretHistory"/>, which reads the previous values the
    /// sources keep (<see cref="SecretConfigurationSource.PreviousValueWindow"/>). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddSecretRotation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SecretRotationAttacher>());
        services.TryAddSingleton<ISecretHistory, SecretHistory>();
        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SecretRotation.DependencyInjection;

/// <summary>
/// Providers are built before the host's services exist; at host start this gives them the host's logger factory.
/// </summary>
internal sealed class SecretRotationAttacher(IConfiguration configuration, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in configuration.GetSecretProviders())
        {
            provider.AttachLoggerFactory(loggerFactory);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretRotation;
using SecretRotation.AspNetCore.Events;
using SecretRotation.AspNetCore.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds SecretRotation's health check.</summary>
public static class SecretRotationHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of every secret source in the app's configuration (<c>configuration.GetSecretRefreshers()</c>):
    /// Unhealthy when a required source has never loaded; Degraded when a source's last successful read is older than
    /// <see cref="SecretRotationHealthCheckOptions.StalenessThreshold"/>, when it failed
    /// <see cref="SecretRotationHealthCheckOptions.FailureThreshold"/> reads in a row, when it holds secrets near expiry, or
    /// when Key Vault announced that a secret nears expiry or expired (through <c>MapSecretRotationEvents</c> or the Service
    /// Bus receiver), or when a client registered with <c>AddRotatingClient</c> failed
    /// <see cref="SecretRotationHealthCheckOptions.FailureThreshold"/> rebuilds in a row (it keeps serving with its previous
    /// instance); Healthy otherwise. The description and data name sources, keys and secrets, never values. Uses the
    /// <see cref="TimeProvider"/> registered in the container, else the system clock.
    /// </summary>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A threshold or window is not positive, or the name is empty.</exception>
    public static IHealthChecksBuilder AddSecretRotation(this IHealthChecksBuilder builder, Action<SecretRotationHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SecretRotationHealthCheckOptions();
        configure?.Invoke(options);
        if (string.IsNullOrWhiteSpace(options.Name) || options.FailureThreshold < 1
            || options.StalenessThreshold <= TimeSpan.Zero || options.ExpiryAlertWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), "Name must be set, FailureThreshold at least 1, StalenessThreshold (when set) and ExpiryAlertWindow positive.");
        }

        // The same ExpiryAlerts as the webhook and the Service Bus receiver, so their announcements reach this check.
        builder.Services.TryAddSingleton<ExpiryAlerts>();
        return builder.Add(new HealthCheckRegistration(
            options.Name,
            provider => new SecretRotationHealthCheck(
                provider.GetRequiredService<IConfiguration>(),
                options,
                provider.GetRequiredService<ExpiryAlerts>(),
                provider.GetService<TimeProvider>() ?? TimeProvider.System,
                provider.GetService<IRotatingClientHealth>()),
            failureStatus: null,
            tags: options.Tags.ToArray()));
    }
}

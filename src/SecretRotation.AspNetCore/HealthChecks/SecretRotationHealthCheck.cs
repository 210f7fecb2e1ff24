using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.HealthChecks;

/// <summary>
/// Reads every secret source's status: Unhealthy when a required source has never loaded; Degraded when one is stale, fails
/// repeatedly, or holds secrets near expiry, or when Key Vault announced an expiry; Healthy otherwise. The description and
/// data name sources, keys and secrets, never values.
/// </summary>
internal sealed class SecretRotationHealthCheck(IConfiguration configuration, SecretRotationHealthCheckOptions options, ExpiryAlerts alerts, TimeProvider timeProvider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = timeProvider.GetUtcNow();
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var refreshers = configuration.GetSecretRefreshers();
        foreach (var refresher in refreshers)
        {
            var status = refresher.Status;
            var name = status.SourceName;
            if (!status.HasLoaded && !status.IsOptional)
            {
                unhealthy.Add($"{name} has never loaded");
            }

            if (status.LastSuccess is { } last && options.StalenessThreshold is { } threshold && now - last > threshold)
            {
                degraded.Add(string.Create(CultureInfo.InvariantCulture, $"{name} last read successfully {Minutes(now - last)} min ago"));
            }

            if (status.ConsecutiveFailures >= options.FailureThreshold)
            {
                degraded.Add(string.Create(CultureInfo.InvariantCulture, $"{name} failed {status.ConsecutiveFailures} reads in a row"));
            }

            if (status.KeysNearExpiry.Count > 0)
            {
                degraded.Add($"{name} has secrets near expiry or expired: {string.Join(", ", status.KeysNearExpiry)}");
            }

            var key = name;
            for (var n = 2; data.ContainsKey(key); n++)
            {
                key = string.Create(CultureInfo.InvariantCulture, $"{name} ({n})");
            }

            data[key] = status.LastError is { } error ? $"{status}, lastError={error}" : status.ToString();
        }

        var announced = alerts.Current(now, options.ExpiryAlertWindow);
        if (announced.Count > 0)
        {
            degraded.Add($"Key Vault announced: {string.Join(", ", announced)}");
            data["keyVaultExpiryAlerts"] = announced;
        }

        var problems = unhealthy.Concat(degraded).ToArray();
        var healthStatus = unhealthy.Count > 0 ? context.Registration.FailureStatus
            : degraded.Count > 0 ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        var description = problems.Length > 0
            ? string.Join("; ", problems)
            : string.Create(CultureInfo.InvariantCulture, $"{refreshers.Count} secret source(s) healthy");
        return Task.FromResult(new HealthCheckResult(healthStatus, description, exception: null, data));
    }

    private static long Minutes(TimeSpan age) => (long)age.TotalMinutes;
}

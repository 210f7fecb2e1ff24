using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.HealthChecks;

/// <summary>
/// Reads every secret source's status: Unhealthy when a required source has never loaded; Degraded when one is stale, fails
/// repeatedly, or holds secrets near expiry, or when Key Vault announced an expiry, or when rebuilding a rotating client
/// keeps failing; Healthy otherwise. The description and data name sources, keys, secrets and client types, never values.
/// </summary>
internal sealed class SecretRotationHealthCheck(IConfiguration configuration, SecretRotationHealthCheckOptions options, ExpiryAlerts alerts, TimeProvider timeProvider, IRotatingClientHealth? rotatingClients = null) : IHealthCheck
{
    /// <summary>The most names one problem lists in the description; the rest are counted.</summary>
    internal const int MaxNamesPerProblem = 10;

    /// <summary>The longest description; health endpoints and probes log it, and it is built on every check.</summary>
    internal const int MaxDescriptionLength = 2_048;

    /// <summary>The most announcements listed in the check's data.</summary>
    internal const int MaxAlertsInData = 100;

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
                degraded.Add($"{name} has secrets near expiry or expired: {Names(status.KeysNearExpiry)}");
            }

            var key = name;
            for (var n = 2; data.ContainsKey(key); n++)
            {
                key = string.Create(CultureInfo.InvariantCulture, $"{name} ({n})");
            }

            data[key] = status.LastError is { } error ? $"{status}, lastError={error}" : status.ToString();
        }

        var announced = alerts.Current(now, options.ExpiryAlertWindow, secret => refreshers.Any(refresher => refresher.HoldsSecret(secret)))
            .Select(alert => alert.ToString())
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (announced.Length > 0)
        {
            degraded.Add($"Key Vault announced: {Names(announced)}");
            data["keyVaultExpiryAlerts"] = announced.Length <= MaxAlertsInData ? announced : announced[..MaxAlertsInData];
        }

        // Issue 11: a rotating client whose rebuild keeps failing still serves with the previous credentials.
        var clients = rotatingClients?.GetStatuses() ?? [];
        foreach (var client in clients)
        {
            if (client.ConsecutiveFailures >= options.FailureThreshold)
            {
                degraded.Add(string.Create(CultureInfo.InvariantCulture, $"rotating {client.ClientType} ({client.Section}) failed {client.ConsecutiveFailures} rebuilds in a row ({client.LastFailureType}); generation {client.Generation} still in use"));
            }

            data[$"rotating {client.ClientType} ({client.Section})"] = client.ToString();
        }

        var problems = unhealthy.Concat(degraded).ToArray();
        var healthStatus = unhealthy.Count > 0 ? context.Registration.FailureStatus
            : degraded.Count > 0 ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        var description = problems.Length > 0
            ? string.Join("; ", problems)
            : clients.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{refreshers.Count} secret source(s) healthy")
                : string.Create(CultureInfo.InvariantCulture, $"{refreshers.Count} secret source(s) and {clients.Count} rotating client(s) healthy");
        if (description.Length > MaxDescriptionLength)
        {
            description = string.Concat(description.AsSpan(0, MaxDescriptionLength - 1), "…");
        }

        return Task.FromResult(new HealthCheckResult(healthStatus, description, exception: null, data));
    }

    private static long Minutes(TimeSpan age) => (long)age.TotalMinutes;

    private static string Names(IReadOnlyList<string> names) =>
        names.Count <= MaxNamesPerProblem
            ? string.Join(", ", names)
            : string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", names.Take(MaxNamesPerProblem))} and {names.Count - MaxNamesPerProblem} more");
}

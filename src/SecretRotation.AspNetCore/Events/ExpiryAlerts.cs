using System.Collections.Concurrent;

namespace SecretRotation.AspNetCore.Events;

/// <summary>Key Vault's SecretNearExpiry and SecretExpired announcements, for health checks. Names only.</summary>
internal sealed class ExpiryAlerts
{
    private readonly ConcurrentDictionary<string, (string EventType, DateTimeOffset At)> _alerts = new(StringComparer.OrdinalIgnoreCase);

    public void Record(string vault, string secretName, string eventType, DateTimeOffset at) =>
        _alerts[$"{vault}/{secretName}"] = (eventType, at);

    /// <summary>Forgets the alert for a secret that has a new version now.</summary>
    public void Clear(string vault, string secretName) => _alerts.TryRemove($"{vault}/{secretName}", out _);

    /// <summary>Alerts not older than <paramref name="maxAge"/>, as "vault/secret (near expiry|expired)".</summary>
    public IReadOnlyList<string> Current(DateTimeOffset now, TimeSpan maxAge) =>
        _alerts.Where(pair => now - pair.Value.At <= maxAge)
            .Select(pair => $"{pair.Key} ({(pair.Value.EventType == KeyVaultEventTypes.SecretExpired ? "expired" : "near expiry")})")
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
}

namespace SecretRotation.AspNetCore.Events;

/// <summary>
/// Key Vault's SecretNearExpiry and SecretExpired announcements about secrets the app holds, for health checks. Names only.
/// Bounded: an alert goes when its secret is rotated, when a near-expiry secret's expiry has passed (Key Vault then sends
/// SecretExpired), when it is older than the health check's window, and the oldest go first beyond <see cref="Capacity"/>.
/// </summary>
internal sealed class ExpiryAlerts
{
    /// <summary>The most alerts kept; an app rarely holds this many secrets, and each alert names one it holds.</summary>
    public const int Capacity = 1_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ExpiryAlert> _alerts = new(StringComparer.OrdinalIgnoreCase);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _alerts.Count;
            }
        }
    }

    public void Record(ExpiryAlert alert)
    {
        lock (_gate)
        {
            _alerts[alert.Key] = alert;
            if (_alerts.Count > Capacity)
            {
                var oldest = _alerts.Values.MinBy(a => a.At)!;
                _alerts.Remove(oldest.Key);
            }
        }
    }

    /// <summary>Forgets the alert for a secret that has a new version now.</summary>
    public void Clear(string vault, string secretName)
    {
        lock (_gate)
        {
            _alerts.Remove($"{vault}/{secretName}");
        }
    }

    /// <summary>
    /// Drops alerts that no longer apply and returns the rest, oldest announcement first. <paramref name="holds"/> tells
    /// whether a source serves a secret now (that version, when the notice names one).
    /// </summary>
    public IReadOnlyList<ExpiryAlert> Current(DateTimeOffset now, TimeSpan maxAge, Func<SecretChangeNotice, bool> holds)
    {
        ExpiryAlert[] alerts;
        lock (_gate)
        {
            alerts = [.. _alerts.Values];
        }

        var current = new List<ExpiryAlert>();
        foreach (var alert in alerts)
        {
            if (Applies(alert, now, maxAge, holds))
            {
                current.Add(alert);
            }
            else
            {
                lock (_gate)
                {
                    // Only if it was not replaced by a newer announcement meanwhile.
                    if (_alerts.TryGetValue(alert.Key, out var stored) && ReferenceEquals(stored, alert))
                    {
                        _alerts.Remove(alert.Key);
                    }
                }
            }
        }

        current.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : StringComparer.OrdinalIgnoreCase.Compare(a.Key, b.Key));
        return current;
    }

    private static bool Applies(ExpiryAlert alert, DateTimeOffset now, TimeSpan maxAge, Func<SecretChangeNotice, bool> holds)
    {
        if (now - alert.At > maxAge)
        {
            return false;
        }

        if (!alert.IsExpired)
        {
            // Near expiry: until it has expired (SecretExpired follows), and while the app still holds that version.
            return (alert.Expires is not { } expires || expires > now) && holds(alert.Secret);
        }

        // Expired: the secret has dropped out of the configuration, which is the point of the alert; it ends when another
        // version of the secret is held (a rotation) or with the window.
        var rotated = alert.Secret.Version is not null && !holds(alert.Secret) && holds(alert.Secret with { Version = null });
        return !rotated;
    }
}

using Microsoft.Extensions.Logging;
using SecretRotation.Diagnostics;

namespace SecretRotation.Engine;

/// <summary>
/// The current secret set and the source's <see cref="SourceHealth"/>: makes a newly read set current, turns it into
/// configuration data and fires the reload only when a key was added, removed or changed; gives the expiry warnings and
/// records successes and failures.
/// </summary>
/// <remarks>
/// Owns its state under its own lock (<c>_lock</c>): the current set and the health (which is not thread-safe). Only one
/// read's result is applied at a time (the provider's first read, then its loop), so <see cref="Apply"/> logs, replaces
/// the data and fires the reload outside the lock.
/// </remarks>
internal sealed class SecretSwap
{
    private readonly Lock _lock = new();
    private readonly string _sourceName;
    private readonly TimeProvider _time;
    private readonly SourceHealth _health;
    private SecretSet _current = SecretSet.Empty;

    public SecretSwap(string sourceName, RefreshSettings settings)
    {
        _sourceName = sourceName;
        _time = settings.TimeProvider;
        _health = new SourceHealth(sourceName, settings.Optional, settings.ExpiryWarningWindow);
        PreviousValues = new PreviousValues(settings.PreviousValueWindow, _time);
    }

    /// <summary>The values replaced keys had, kept outside the data for <see cref="ISecretHistory"/> (issue 11).</summary>
    public PreviousValues PreviousValues { get; }

    public SecretSet Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public SecretSourceStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _health.Snapshot(_current, _time.GetUtcNow());
            }
        }
    }

    /// <summary>How many key versions the expiry warnings remember.</summary>
    public int ExpiryWarningsRemembered
    {
        get
        {
            lock (_lock)
            {
                return _health.ExpiryWarningsRemembered;
            }
        }
    }

    public double? SecondsSinceLastSuccess()
    {
        lock (_lock)
        {
            return _health.LastSuccessTimestamp is { } last ? _time.GetElapsedTime(last).TotalSeconds : null;
        }
    }

    /// <summary>
    /// Makes <paramref name="set"/> current; hands <paramref name="replaceData"/> new data and calls <paramref name="reload"/>
    /// (when given) only if a key was added, removed or changed. A throwing reload listener is logged, not thrown: the new
    /// data is already in place.
    /// </summary>
    /// <returns>How many keys changed.</returns>
    public int Apply(SecretSet set, RefreshTriggers triggers, ILogger logger, Action<IDictionary<string, string?>> replaceData, Action? reload)
    {
        var previous = Current;
        // The same set: the source found nothing new (a poll that only compared file stamps, a seen version).
        var changedKeys = ReferenceEquals(set, previous) ? [] : SecretSetDiff.All(previous, set);
        if (!ReferenceEquals(set, previous))
        {
            // Recorded before the swap, so the old value or the new one is always readable.
            PreviousValues.Record(previous, set);
            List<(string Key, SecretEntry Entry)> warnings;
            lock (_lock)
            {
                _current = set;
                warnings = _health.TakeNewExpiryWarnings(set, _time.GetUtcNow());
            }

            foreach (var (key, entry) in warnings)
            {
                Log.SecretNearExpiry(logger, key, _sourceName, entry.Version ?? "(none)", entry.ExpiresOn!.Value);
            }
        }

        if (changedKeys.Count == 0)
        {
            if (reload is not null)
            {
                Log.NothingChanged(logger, _sourceName, triggers);
            }

            return 0;
        }

        // Twice the buckets of the key count: short chains keep a read as cheap as from an in-memory provider.
        var data = new Dictionary<string, string?>(set.Count * 2, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, entry) in set)
        {
            data[key] = entry.Value;
        }

        replaceData(data);
        SecretRotationTelemetry.ChangedKeys.Add(changedKeys.Count, new KeyValuePair<string, object?>(SecretRotationTelemetry.SourceTag, _sourceName));
        if (reload is not null)
        {
            Log.SecretsChanged(logger, _sourceName, changedKeys.Count, string.Join(", ", changedKeys));
            try
            {
                reload();
            }
            catch (Exception exception)
            {
                // A listener's bug must not turn into a refresh failure: the new data is already in place.
                Log.ReloadListenerFailed(logger, exception, _sourceName);
            }
        }

        return changedKeys.Count;
    }

    /// <summary>
    /// Records a successful read at <paramref name="wallNow"/> / <paramref name="now"/> (see <see cref="SourceHealth.OnSuccess"/>)
    /// and logs the recovery when it ended failures of a refresh (not of the first read).
    /// </summary>
    /// <returns>The current set's earliest refresh-by time.</returns>
    public DateTimeOffset? OnSuccess(RefreshTriggers triggers, DateTimeOffset wallNow, long now, ILogger logger)
    {
        int failedAttempts;
        DateTimeOffset? earliestRefreshBy;
        lock (_lock)
        {
            failedAttempts = _health.OnSuccess(triggers, wallNow, now);
            earliestRefreshBy = _current.EarliestRefreshBy;
        }

        if (failedAttempts > 0 && triggers != RefreshTriggers.Initial)
        {
            Log.Recovered(logger, _sourceName, failedAttempts);
        }

        return earliestRefreshBy;
    }

    /// <summary>Records a failed read; <paramref name="error"/> is the exception's message, which never holds a value.</summary>
    /// <returns>The failures in a row, this one included.</returns>
    public int OnFailure(string error)
    {
        lock (_lock)
        {
            return _health.OnFailure(_time.GetUtcNow(), error);
        }
    }
}

namespace SecretRotation.Engine;

/// <summary>
/// One source's health: whether it has loaded, its last success and failure, the failures in a row and the last error
/// (a message, never a value), and which keys are near expiry, with the warnings already given (bounded by the loaded
/// keys). Takes the time as arguments; not thread-safe: <see cref="SecretSwap"/> guards it with its lock.
/// </summary>
internal sealed class SourceHealth
{
    private readonly string _sourceName;
    private readonly bool _optional;
    private readonly TimeSpan _expiryWarningWindow;

    // Key -> the version warned about, only for loaded keys: bounded by the key count, however many versions come and go.
    private readonly Dictionary<string, string?> _expiryWarned = new(StringComparer.OrdinalIgnoreCase);

    public SourceHealth(string sourceName, bool optional, TimeSpan expiryWarningWindow)
    {
        _sourceName = sourceName;
        _optional = optional;
        _expiryWarningWindow = expiryWarningWindow;
    }

    public bool HasLoaded { get; private set; }

    public DateTimeOffset? LastSuccess { get; private set; }

    /// <summary>The last success as a monotonic timestamp, for the time-since-success gauge.</summary>
    public long? LastSuccessTimestamp { get; private set; }

    public DateTimeOffset? LastFailure { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>How many key versions the expiry warnings remember.</summary>
    public int ExpiryWarningsRemembered => _expiryWarned.Count;

    /// <summary>
    /// Records a successful read. A read made only for change notices saw only what they named, so it does not clear the
    /// failures of a full read.
    /// </summary>
    /// <returns>How many failures in a row this success ended (0 when none, or when it was a change-notice read).</returns>
    public int OnSuccess(RefreshTriggers triggers, DateTimeOffset wallNow, long now)
    {
        HasLoaded = true;
        LastSuccess = wallNow;
        LastSuccessTimestamp = now;
        if (triggers == RefreshTriggers.ChangeNotice)
        {
            return 0;
        }

        var failedAttempts = ConsecutiveFailures;
        ConsecutiveFailures = 0;
        LastError = null;
        return failedAttempts;
    }

    /// <summary>Records a failed read; <paramref name="error"/> is the exception's message, which never holds a value.</summary>
    /// <returns>The failures in a row, this one included.</returns>
    public int OnFailure(DateTimeOffset wallNow, string error)
    {
        ConsecutiveFailures++;
        LastFailure = wallNow;
        LastError = error;
        return ConsecutiveFailures;
    }

    public SecretSourceStatus Snapshot(SecretSet current, DateTimeOffset now) =>
        new(_sourceName, _optional, HasLoaded, current.Count, LastSuccess, LastFailure, ConsecutiveFailures, LastError, KeysNearExpiry(current, now));

    /// <summary>The keys of <paramref name="set"/> that expire within the warning window (or have expired), sorted.</summary>
    public List<string> KeysNearExpiry(SecretSet set, DateTimeOffset now)
    {
        var keys = new List<string>();
        foreach (var (key, entry) in set)
        {
            if (IsNearExpiry(entry, now))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.OrdinalIgnoreCase);
        return keys;
    }

    /// <summary>
    /// The entries of the newly loaded <paramref name="set"/> to warn about: near expiry and not yet warned about in this
    /// version. Forgets what is no longer loaded as warned (key gone, new version, expiry moved out of the window), so the
    /// memory stays bounded by the loaded keys however many versions a store hands out.
    /// </summary>
    public List<(string Key, SecretEntry Entry)> TakeNewExpiryWarnings(SecretSet set, DateTimeOffset now)
    {
        foreach (var (key, warnedVersion) in _expiryWarned)
        {
            if (!set.TryGetValue(key, out var entry) || !IsNearExpiry(entry, now)
                || !string.Equals(entry.Version, warnedVersion, StringComparison.Ordinal))
            {
                _expiryWarned.Remove(key);
            }
        }

        var warnings = new List<(string Key, SecretEntry Entry)>();
        foreach (var (key, entry) in set)
        {
            if (IsNearExpiry(entry, now) && _expiryWarned.TryAdd(key, entry.Version))
            {
                warnings.Add((key, entry));
            }
        }

        return warnings;
    }

    private bool IsNearExpiry(SecretEntry entry, DateTimeOffset now) =>
        entry.ExpiresOn is { } expiresOn && expiresOn - now <= _expiryWarningWindow;
}

using System.Diagnostics.CodeAnalysis;

namespace SecretRotation.Engine;

/// <summary>
/// The value each key of one source had before its last change or removal, kept for the source's
/// <see cref="SecretConfigurationSource.PreviousValueWindow"/> and dropped on the source's clock when the window has
/// passed (a timer purges them, so an expired value does not stay in memory until someone asks). Read through
/// <see cref="ISecretHistory"/>; never part of the provider's data, never logged, and <see cref="ToString"/> gives only a count.
/// </summary>
internal sealed class PreviousValues : IDisposable
{
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private ITimer? _purgeTimer;
    private bool _disposed;

    public PreviousValues(TimeSpan window, TimeProvider time)
    {
        _window = window;
        _time = time;
    }

    public bool IsEnabled => _window > TimeSpan.Zero;

    /// <summary>Keys with a previous value held in memory now. For tests.</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Keeps, for every key of <paramref name="previous"/> whose value differs in <paramref name="next"/> or that is gone from
    /// it, the value it had; stamped with the clock's now. Replaces an older previous value of the same key.
    /// </summary>
    public void Record(SecretSet previous, SecretSet next)
    {
        if (!IsEnabled || ReferenceEquals(previous, next))
        {
            return;
        }

        var replacedAt = _time.GetUtcNow();
        var timestamp = _time.GetTimestamp();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var recorded = false;
            foreach (var (key, entry) in previous)
            {
                if (!next.TryGetValue(key, out var replacement) || !string.Equals(replacement.Value, entry.Value, StringComparison.Ordinal))
                {
                    _entries[key] = new Entry(entry.Value, replacedAt, timestamp);
                    recorded = true;
                }
            }

            if (recorded)
            {
                ScheduleLocked();
            }
        }
    }

    public bool TryGet(string key, [NotNullWhen(true)] out string? value, out DateTimeOffset replacedAt)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                if (!IsExpired(entry))
                {
                    value = entry.Value;
                    replacedAt = entry.ReplacedAt;
                    return true;
                }

                _entries.Remove(key);
            }
        }

        value = null;
        replacedAt = default;
        return false;
    }

    /// <summary>Drops every previous value (the provider is being disposed).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _entries.Clear();
            _purgeTimer?.Dispose();
            _purgeTimer = null;
        }
    }

    public override string ToString() => $"PreviousValues ({Count} keys, window {_window})";

    private bool IsExpired(Entry entry) => _time.GetElapsedTime(entry.Timestamp) >= _window;

    private void Purge()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var key in _entries.Where(pair => IsExpired(pair.Value)).Select(pair => pair.Key).ToArray())
            {
                _entries.Remove(key);
            }

            ScheduleLocked();
        }
    }

    /// <summary>Sets the purge timer to the earliest expiry, or stops it when nothing is kept.</summary>
    private void ScheduleLocked()
    {
        if (_entries.Count == 0)
        {
            _purgeTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var oldest = _entries.Values.Min(entry => entry.Timestamp);
        var due = _window - _time.GetElapsedTime(oldest);
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        if (_purgeTimer is null)
        {
            _purgeTimer = _time.CreateTimer(static state => ((PreviousValues)state!).Purge(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _purgeTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>One previous value. <see cref="ToString"/> leaves the value out.</summary>
    private sealed class Entry(string value, DateTimeOffset replacedAt, long timestamp)
    {
        public string Value { get; } = value;

        public DateTimeOffset ReplacedAt { get; } = replacedAt;

        public long Timestamp { get; } = timestamp;

        public override string ToString() => $"previous value replaced at {ReplacedAt:O}";
    }
}

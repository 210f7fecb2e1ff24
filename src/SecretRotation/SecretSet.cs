using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SecretRotation;

/// <summary>
/// An immutable set of secrets keyed by configuration key (case-insensitive, as configuration keys are).
/// </summary>
/// <remarks><see cref="ToString"/> gives only the number of entries, never keys' values.</remarks>
public sealed class SecretSet : IReadOnlyDictionary<string, SecretEntry>
{
    private readonly Dictionary<string, SecretEntry> _entries;

    /// <summary>The set with no secrets.</summary>
    public static SecretSet Empty { get; } = new(new Dictionary<string, SecretEntry>(StringComparer.OrdinalIgnoreCase), earliestRefreshBy: null);

    /// <summary>Creates a set from key/entry pairs.</summary>
    /// <exception cref="ArgumentException">Two entries have the same key (compared case-insensitively).</exception>
    public SecretSet(IEnumerable<KeyValuePair<string, SecretEntry>> entries)
        : this(entries, refreshBy: null)
    {
    }

    /// <summary>
    /// Creates a set from key/entry pairs, plus a time to read again that belongs to no entry (e.g. a secret left out
    /// because it is not valid yet).
    /// </summary>
    /// <exception cref="ArgumentException">Two entries have the same key (compared case-insensitively).</exception>
    public SecretSet(IEnumerable<KeyValuePair<string, SecretEntry>> entries, DateTimeOffset? refreshBy)
    {
        EarliestRefreshBy = refreshBy;
        ArgumentNullException.ThrowIfNull(entries);
        _entries = new Dictionary<string, SecretEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, entry) in entries)
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(entries));
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (!_entries.TryAdd(key, entry))
            {
                throw new ArgumentException($"The key '{key}' occurs more than once.", nameof(entries));
            }

            if (entry.RefreshBy is { } entryRefreshBy && (EarliestRefreshBy is null || entryRefreshBy < EarliestRefreshBy))
            {
                EarliestRefreshBy = entryRefreshBy;
            }
        }
    }

    private SecretSet(Dictionary<string, SecretEntry> entries, DateTimeOffset? earliestRefreshBy)
    {
        _entries = entries;
        EarliestRefreshBy = earliestRefreshBy;
    }

    /// <summary>The earliest <see cref="SecretEntry.RefreshBy"/> of any entry, or <see langword="null"/> when none has one.</summary>
    public DateTimeOffset? EarliestRefreshBy { get; }

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Keys;

    /// <inheritdoc />
    public IEnumerable<SecretEntry> Values => _entries.Values;

    /// <inheritdoc />
    public SecretEntry this[string key] => _entries[key];

    /// <inheritdoc />
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out SecretEntry value) => _entries.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, SecretEntry>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"SecretSet ({Count} entries)";
}

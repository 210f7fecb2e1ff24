namespace SecretRotation.Engine;

/// <summary>
/// Which keys differ between two secret sets: changed (in both, value differs), added (only in the next) and removed
/// (only in the previous). Keys compare case-insensitively, values ordinally; versions and times are not compared (a
/// new version with the same value changes nothing). Results are sorted, case-insensitively. Never touches a value
/// beyond comparing it.
/// </summary>
internal static class SecretSetDiff
{
    /// <summary>Keys in both sets whose values differ.</summary>
    public static List<string> Changed(SecretSet previous, SecretSet next) =>
        Collect(previous, next, added: false, changed: true, removed: false);

    /// <summary>Keys only in <paramref name="next"/>.</summary>
    public static List<string> Added(SecretSet previous, SecretSet next) =>
        Collect(previous, next, added: true, changed: false, removed: false);

    /// <summary>Keys only in <paramref name="previous"/>.</summary>
    public static List<string> Removed(SecretSet previous, SecretSet next) =>
        Collect(previous, next, added: false, changed: false, removed: true);

    /// <summary>Every key that was changed, added or removed: what a reload reports.</summary>
    public static List<string> All(SecretSet previous, SecretSet next) =>
        Collect(previous, next, added: true, changed: true, removed: true);

    private static List<string> Collect(SecretSet previous, SecretSet next, bool added, bool changed, bool removed)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        var keys = new List<string>();
        if (added || changed)
        {
            foreach (var (key, entry) in next)
            {
                var isChange = previous.TryGetValue(key, out var old)
                    ? changed && !string.Equals(old.Value, entry.Value, StringComparison.Ordinal)
                    : added;
                if (isChange)
                {
                    keys.Add(key);
                }
            }
        }

        if (removed)
        {
            foreach (var key in previous.Keys)
            {
                if (!next.ContainsKey(key))
                {
                    keys.Add(key);
                }
            }
        }

        keys.Sort(StringComparer.OrdinalIgnoreCase);
        return keys;
    }
}

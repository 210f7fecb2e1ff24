using Microsoft.Extensions.Configuration;

namespace SecretRotation.Cli.Watch;

/// <summary>The keys one secret provider serves at a moment, each with the fingerprint of its value (the value is not kept).</summary>
internal sealed record ProviderSnapshot(string SourceName, IReadOnlyDictionary<string, string> Fingerprints)
{
    public static ProviderSnapshot Capture(IConfigurationProvider provider, string sourceName)
    {
        var fingerprints = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Walk(provider, parentPath: null, fingerprints);
        return new ProviderSnapshot(sourceName, fingerprints);
    }

    /// <summary>What changed from <paramref name="previous"/> to this snapshot, in key order.</summary>
    public IReadOnlyList<KeyChange> ChangesSince(ProviderSnapshot previous)
    {
        var changes = new List<KeyChange>();
        foreach (var key in previous.Fingerprints.Keys.Union(Fingerprints.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            var before = previous.Fingerprints.GetValueOrDefault(key);
            var after = Fingerprints.GetValueOrDefault(key);
            if (before != after)
            {
                changes.Add(new KeyChange(key, before, after));
            }
        }

        return changes;
    }

    private static void Walk(IConfigurationProvider provider, string? parentPath, SortedDictionary<string, string> into)
    {
        foreach (var child in provider.GetChildKeys([], parentPath).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = parentPath is null ? child : ConfigurationPath.Combine(parentPath, child);
            if (provider.TryGet(key, out var value) && value is not null)
            {
                into[key] = Fingerprint.Of(value);
            }

            Walk(provider, key, into);
        }
    }
}

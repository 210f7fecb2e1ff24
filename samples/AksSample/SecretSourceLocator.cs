using SecretRotation;

namespace AksSample;

/// <summary>Finds which configuration provider supplies a key's current value (the last one that has it wins).</summary>
public static class SecretSourceLocator
{
    public const string NotSet = "(not set)";

    /// <summary>
    /// The refresher's <see cref="ISecretRefresher.SourceName"/> (e.g. <c>mounted:/mnt/secrets</c>) when a secret source
    /// supplies <paramref name="key"/>; otherwise the provider's description (e.g. an environment variable override).
    /// </summary>
    public static string Describe(IConfiguration configuration, string key) =>
        configuration is IConfigurationRoot root ? Find(root, key) ?? NotSet : NotSet;

    private static string? Find(IConfigurationRoot root, string key)
    {
        var providers = root.Providers.ToArray();
        for (var i = providers.Length - 1; i >= 0; i--)
        {
            var provider = providers[i];
            if (provider is ChainedConfigurationProvider { Configuration: IConfigurationRoot chained } && Find(chained, key) is { } inner)
            {
                return inner;
            }

            // Only whether the key is there matters; the value itself is discarded unread.
            if (provider.TryGet(key, out _))
            {
                return provider is ISecretRefresher refresher ? refresher.SourceName : provider.ToString() ?? provider.GetType().Name;
            }
        }

        return null;
    }
}

using SecretRotation;
using SecretRotation.Engine;

namespace Microsoft.Extensions.Configuration;

/// <summary>Finds the secret refreshers in a built configuration.</summary>
public static class SecretRefresherConfigurationExtensions
{
    /// <summary>
    /// Returns a refresher for every secret source in <paramref name="configuration"/>, including those inside chained
    /// configurations. Push handlers and user code use them to refresh on demand.
    /// </summary>
    public static IReadOnlyList<ISecretRefresher> GetSecretRefreshers(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<ISecretRefresher>();
        Collect(configuration, found, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return found;
    }

    internal static IReadOnlyList<SecretConfigurationProvider> GetSecretProviders(this IConfiguration configuration) =>
        configuration.GetSecretRefreshers().OfType<SecretConfigurationProvider>().ToArray();

    private static void Collect(IConfiguration configuration, List<ISecretRefresher> found, HashSet<object> visited)
    {
        if (configuration is not IConfigurationRoot root || !visited.Add(root))
        {
            return;
        }

        foreach (var provider in root.Providers)
        {
            switch (provider)
            {
                case ISecretRefresher refresher:
                    found.Add(refresher);
                    break;
                case ChainedConfigurationProvider chained:
                    Collect(chained.Configuration, found, visited);
                    break;
            }
        }
    }
}

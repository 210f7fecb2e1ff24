using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using SecretRotation.Engine;

namespace SecretRotation.DependencyInjection;

/// <summary>
/// Reads previous values from the secret sources of the app's configuration. As in configuration, the last provider that
/// holds the key decides: a secret source's previous value if it keeps one, else none (an earlier source's previous value,
/// or one hidden by a later non-secret provider, was never the value the app saw).
/// </summary>
internal sealed class SecretHistory(IConfiguration configuration) : ISecretHistory
{
    public bool TryGetPrevious(string key, [NotNullWhen(true)] out string? value, out DateTimeOffset replacedAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        var providers = new List<IConfigurationProvider>();
        Flatten(configuration, providers, []);
        for (var i = providers.Count - 1; i >= 0; i--)
        {
            // A later provider of any kind (environment, JSON) that holds the key decides what the app sees: an earlier
            // secret source's previous value was never the app's value, so it must not be accepted.
            if (providers[i] is SecretConfigurationProvider secrets && secrets.PreviousValues.TryGet(key, out value, out replacedAt))
            {
                return true;
            }

            if (providers[i].TryGet(key, out _))
            {
                break;
            }
        }

        value = null;
        replacedAt = default;
        return false;
    }

    public override string ToString() => nameof(SecretHistory);

    /// <summary>Every provider in configuration order, with chained configurations expanded in place.</summary>
    private static void Flatten(IConfiguration configuration, List<IConfigurationProvider> found, HashSet<object> visited)
    {
        if (configuration is not IConfigurationRoot root || !visited.Add(root))
        {
            return;
        }

        foreach (var provider in root.Providers)
        {
            if (provider is ChainedConfigurationProvider chained)
            {
                Flatten(chained.Configuration, found, visited);
            }
            else
            {
                found.Add(provider);
            }
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace SecretRotation.DependencyInjection;

/// <summary>
/// Reads previous values from the secret sources of the app's configuration. As in configuration, the last source that
/// holds the key decides: its previous value if it keeps one, else none (an earlier source's previous value was never the
/// value the app saw).
/// </summary>
internal sealed class SecretHistory(IConfiguration configuration) : ISecretHistory
{
    public bool TryGetPrevious(string key, [NotNullWhen(true)] out string? value, out DateTimeOffset replacedAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        var providers = configuration.GetSecretProviders();
        for (var i = providers.Count - 1; i >= 0; i--)
        {
            var provider = providers[i];
            if (provider.PreviousValues.TryGet(key, out value, out replacedAt))
            {
                return true;
            }

            if (provider.TryGet(key, out _))
            {
                break;
            }
        }

        value = null;
        replacedAt = default;
        return false;
    }

    public override string ToString() => nameof(SecretHistory);
}

using SecretRotation.Kubernetes;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Kubernetes Secrets (and ConfigMaps), read through the API and watched, to a configuration builder.</summary>
public static class KubernetesSecretsConfigurationExtensions
{
    /// <summary>
    /// Adds the Secrets named <paramref name="secretNames"/> in the pod's own namespace, read with the pod's service account
    /// (in a cluster) or the kubeconfig (elsewhere), and watched.
    /// </summary>
    /// <exception cref="ArgumentException">No name is given, or a name is not a valid Kubernetes object name.</exception>
    public static IConfigurationBuilder AddKubernetesSecrets(this IConfigurationBuilder builder, params string[] secretNames)
    {
        ArgumentNullException.ThrowIfNull(secretNames);
        return builder.AddKubernetesSecrets(source =>
        {
            foreach (var name in secretNames)
            {
                source.SecretNames.Add(name);
            }
        });
    }

    /// <summary>Adds Kubernetes Secrets and ConfigMaps with more settings (namespace, label selector, section, kubeconfig...).</summary>
    /// <exception cref="ArgumentException">Nothing is named or selected, or a setting is out of range (when the configuration is built).</exception>
    public static IConfigurationBuilder AddKubernetesSecrets(this IConfigurationBuilder builder, Action<KubernetesSecretsSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new KubernetesSecretsSource();
        configure(source);
        return builder.Add(source);
    }
}

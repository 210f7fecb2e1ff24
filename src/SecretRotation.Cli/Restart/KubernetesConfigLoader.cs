using k8s;
using k8s.Exceptions;

namespace SecretRotation.Cli.Restart;

/// <summary>
/// Finds the cluster as kubectl does: <c>--kubeconfig</c>, else the files in <c>KUBECONFIG</c> (merged), else <c>~/.kube/config</c>, else the
/// pod's service account (in-cluster); <c>--context</c> picks a context other than the current one.
/// </summary>
internal static class KubernetesConfigLoader
{
    public static KubernetesClientConfiguration Load(string? kubeconfig, string? contextName, CliContext context)
    {
        try
        {
            if (kubeconfig is not null)
            {
                return File.Exists(kubeconfig)
                    ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, contextName)
                    : throw new UsageException($"--kubeconfig '{kubeconfig}' does not exist.");
            }

            var fromEnvironment = (context.GetEnvironmentVariable("KUBECONFIG") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists)
                .ToArray();
            if (fromEnvironment.Length > 0)
            {
                return Merged(fromEnvironment, contextName);
            }

            if (File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation))
            {
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(KubernetesClientConfiguration.KubeConfigDefaultLocation, contextName);
            }

            if (contextName is null && KubernetesClientConfiguration.IsInCluster())
            {
                return KubernetesClientConfiguration.InClusterConfig();
            }
        }
        catch (KubeConfigException exception)
        {
            throw new UsageException($"The Kubernetes configuration cannot be used: {exception.Message}");
        }

        throw new UsageException(contextName is null
            ? "No Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account."
            : $"No kubeconfig file to find the context '{contextName}' in: pass --kubeconfig or set KUBECONFIG.");
    }

    /// <summary>
    /// The files of <c>KUBECONFIG</c> merged as kubectl merges them (<see cref="KubeconfigMerge"/>), then the context asked for, or
    /// the current context of the first file that sets one.
    /// </summary>
    private static KubernetesClientConfiguration Merged(string[] files, string? contextName)
    {
        var merged = KubeconfigMerge.Load(files);
        if (contextName is null && string.IsNullOrEmpty(merged.CurrentContext))
        {
            throw new UsageException($"None of the KUBECONFIG files ({string.Join(Path.PathSeparator, files)}) sets a current-context: pass --context.");
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, contextName);
    }
}

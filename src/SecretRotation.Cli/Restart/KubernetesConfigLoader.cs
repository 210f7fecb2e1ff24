using k8s;
using k8s.Exceptions;

namespace SecretRotation.Cli.Restart;

/// <summary>
/// Finds the cluster as kubectl does: <c>--kubeconfig</c>, else the files in <c>KUBECONFIG</c>, else <c>~/.kube/config</c>, else the
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
                return FirstUsable(fromEnvironment, contextName);
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
    /// The first file of <c>KUBECONFIG</c> that has the context (or a current context). kubectl merges the files; this client library
    /// does not expose merging, so a context is taken whole from the first file that defines it.
    /// </summary>
    private static KubernetesClientConfiguration FirstUsable(string[] files, string? contextName)
    {
        KubeConfigException? last = null;
        foreach (var file in files)
        {
            try
            {
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(file, contextName);
            }
            catch (KubeConfigException exception)
            {
                last = exception;
            }
        }

        throw last!;
    }
}

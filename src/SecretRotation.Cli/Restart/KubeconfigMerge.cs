using k8s;
using k8s.KubeConfigModels;

namespace SecretRotation.Cli.Restart;

/// <summary>
/// Merges the files of a multi-file <c>KUBECONFIG</c> by kubectl's rule: the first file to define a cluster, user or context
/// name wins, and the current context is the first one any file sets. File paths in each file (certificate authority, client
/// certificate and key) are resolved against that file's own directory before merging, as kubectl does.
/// </summary>
internal static class KubeconfigMerge
{
    public static K8SConfiguration Load(IReadOnlyList<string> files)
    {
        ArgumentOutOfRangeException.ThrowIfZero(files.Count);
        var merged = new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            Clusters = [],
            Users = [],
            Contexts = [],
        };
        var clusters = new List<Cluster>();
        var users = new List<User>();
        var contexts = new List<Context>();
        foreach (var file in files)
        {
            var config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: false);
            var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            if (string.IsNullOrEmpty(merged.CurrentContext) && !string.IsNullOrEmpty(config.CurrentContext))
            {
                merged.CurrentContext = config.CurrentContext;
            }

            foreach (var cluster in config.Clusters ?? [])
            {
                if (cluster.ClusterEndpoint is { } endpoint)
                {
                    endpoint.CertificateAuthority = Resolve(directory, endpoint.CertificateAuthority);
                }

                AddFirst(clusters, cluster, static c => c.Name);
            }

            foreach (var user in config.Users ?? [])
            {
                if (user.UserCredentials is { } credentials)
                {
                    credentials.ClientCertificate = Resolve(directory, credentials.ClientCertificate);
                    credentials.ClientKey = Resolve(directory, credentials.ClientKey);
                }

                AddFirst(users, user, static u => u.Name);
            }

            foreach (var context in config.Contexts ?? [])
            {
                AddFirst(contexts, context, static c => c.Name);
            }
        }

        merged.Clusters = clusters;
        merged.Users = users;
        merged.Contexts = contexts;
        return merged;
    }

    private static void AddFirst<T>(List<T> items, T item, Func<T, string> name)
    {
        if (!items.Exists(existing => string.Equals(name(existing), name(item), StringComparison.Ordinal)))
        {
            items.Add(item);
        }
    }

    private static string? Resolve(string directory, string? path) =>
        string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));
}

namespace AksSample;

/// <summary>
/// Reading a Kubernetes Secret through the API (watched), bound from the <c>Kubernetes</c> section (env vars
/// <c>Kubernetes__SecretName</c>, <c>Kubernetes__Namespace</c>). Its keys fill the <c>Database</c> section by the volume's
/// rules (<c>Password</c> becomes <c>Database:Password</c>), so the same Secret read as a volume or through the API gives the
/// same keys. Needs a Role with get/list/watch on that Secret (<c>k8s/rbac-kubernetes-secrets.yaml</c>).
/// </summary>
public sealed class KubernetesApiOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>The Secret to read, e.g. <c>aks-sample-db</c>. Not set: the API is not read.</summary>
    public string? SecretName { get; set; }

    /// <summary>The Secret's namespace. Not set: the pod's own (in a cluster) or the kubeconfig context's.</summary>
    public string? Namespace { get; set; }

    /// <summary>A kubeconfig for runs outside a cluster. Not set: in-cluster, else <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? KubeconfigPath { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretName);
}

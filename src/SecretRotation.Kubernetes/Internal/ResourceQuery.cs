using System.Globalization;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// What one list+watch covers: one named object (by <c>fieldSelector=metadata.name=</c>, so resourceNames-scoped RBAC allows
/// the list and the watch) or every object matching a label selector.
/// </summary>
internal sealed record ResourceQuery(ResourceKind Kind, string Namespace, string? Name, string? LabelSelector)
{
    /// <summary>The plural resource name in URLs and RBAC rules.</summary>
    public string Resource => Kind == ResourceKind.Secret ? "secrets" : "configmaps";

    /// <summary>For logs and messages: <c>secret app/db</c> or <c>secrets in app matching 'x=y'</c>. Never a value.</summary>
    public string Description => Name is not null
        ? $"{(Kind == ResourceKind.Secret ? "Secret" : "ConfigMap")} '{Namespace}/{Name}'"
        : $"{Resource} in '{Namespace}' matching '{LabelSelector}'";

    /// <summary>The list URL, relative to the API server.</summary>
    public string ListPath() => $"{CollectionPath}?{Selector}";

    /// <summary>The watch URL from <paramref name="resourceVersion"/>, with bookmarks and the server-side timeout.</summary>
    public string WatchPath(string resourceVersion, int timeoutSeconds) =>
        $"{CollectionPath}?{Selector}&watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}" +
        $"&timeoutSeconds={timeoutSeconds.ToString(CultureInfo.InvariantCulture)}";

    private string CollectionPath => $"api/v1/namespaces/{Uri.EscapeDataString(Namespace)}/{Resource}";

    private string Selector => Name is not null
        ? "fieldSelector=" + Uri.EscapeDataString("metadata.name=" + Name)
        : "labelSelector=" + Uri.EscapeDataString(LabelSelector!);
}

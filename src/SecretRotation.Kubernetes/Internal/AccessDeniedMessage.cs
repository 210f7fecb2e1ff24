using System.Text;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// What a 403 says: the verb, resource, namespace and name that are missing, and the Role (with its RoleBinding) that would
/// grant them. Built from the request alone: never a value, never the token.
/// </summary>
internal static class AccessDeniedMessage
{
    public static string For(ResourceQuery query, string verb, string? serverReason)
    {
        var text = new StringBuilder();
        text.Append("The API server refused (403 Forbidden");
        if (!string.IsNullOrEmpty(serverReason))
        {
            text.Append(", reason ").Append(serverReason);
        }

        text.Append(") to ").Append(verb).Append(' ').Append(query.Resource);
        if (query.Name is not null)
        {
            text.Append(" named '").Append(query.Name).Append('\'');
        }
        else
        {
            text.Append(" matching the label selector '").Append(query.LabelSelector).Append('\'');
        }

        text.Append(" in namespace '").Append(query.Namespace).Append("'. The service account needs the verbs get, list and watch on ")
            .Append(query.Name is not null ? "that name" : "every " + query.Resource + " of the namespace (a label selector cannot be scoped to names)")
            .Append(". A Role that grants it (bind it to the pod's service account with a RoleBinding):\n");
        text.Append(RoleYaml(query));
        return text.ToString();
    }

    /// <summary>The Role granting get/list/watch on the query's objects.</summary>
    public static string RoleYaml(ResourceQuery query)
    {
        var text = new StringBuilder();
        text.Append("apiVersion: rbac.authorization.k8s.io/v1\n")
            .Append("kind: Role\n")
            .Append("metadata:\n")
            .Append("  name: secret-rotation-reader\n")
            .Append("  namespace: ").Append(query.Namespace).Append('\n')
            .Append("rules:\n")
            .Append("  - apiGroups: [\"\"]\n")
            .Append("    resources: [\"").Append(query.Resource).Append("\"]\n");
        if (query.Name is not null)
        {
            text.Append("    resourceNames: [\"").Append(query.Name).Append("\"]\n");
        }

        text.Append("    verbs: [\"get\", \"list\", \"watch\"]\n");
        return text.ToString();
    }
}

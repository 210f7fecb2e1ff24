using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// RBAC as the API server's authorizer applies it to request attributes (verb, resource, namespace, name): a request is allowed when
/// one rule matches all four; otherwise 403 <c>Forbidden</c> worded as the API server words it.
/// </summary>
internal static class KubernetesAuthorizer
{
    public static bool Allows(KubernetesIdentity identity, string verb, KubernetesResource resource, string? ns, string? name)
    {
        if (identity.IsAdmin)
        {
            return true;
        }

        foreach (var rule in identity.Rules)
        {
            if (Matches(rule.Verbs, verb)
                && Matches(rule.Resources, resource.Name)
                && (rule.Namespace is null || rule.Namespace == ns)
                && (rule.ResourceNames.Count == 0 || (name is not null && rule.ResourceNames.Contains(name, StringComparer.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>secrets "app" is forbidden: User "system:serviceaccount:ns:sa" cannot get resource "secrets" in API group "" in the
    /// namespace "ns"</c>; without a name <c>secrets is forbidden: ...</c>; cluster-wide <c>... at the cluster scope</c>.
    /// </summary>
    public static KubernetesErrorException Forbidden(string user, string verb, KubernetesResource resource, string? ns, string? name)
    {
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        var reason = $"User \"{user}\" cannot {verb} resource \"{resource.Name}\" in API group \"\" {scope}";
        var subject = name is null ? resource.Name : $"{resource.Name} \"{name}\"";
        return new KubernetesErrorException(StatusCodes.Status403Forbidden, "Forbidden", $"{subject} is forbidden: {reason}", name, resource.Name);
    }

    private static bool Matches(IReadOnlyList<string> allowed, string value) =>
        allowed.Any(entry => entry == "*" || string.Equals(entry, value, StringComparison.Ordinal));
}

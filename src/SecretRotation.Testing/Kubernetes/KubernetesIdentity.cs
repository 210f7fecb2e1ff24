namespace SecretRotation.Testing;

/// <summary>Who a bearer token stands for and what RBAC grants it; the administrator may do everything.</summary>
internal sealed record KubernetesIdentity(string User, bool IsAdmin, IReadOnlyList<KubernetesRbacRule> Rules);

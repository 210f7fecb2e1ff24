namespace SecretRotation.Testing;

/// <summary>
/// One RBAC rule a <see cref="KubernetesEmulator"/> token is granted: the shape of a <c>PolicyRule</c> (core API group only) bound
/// in one namespace (a Role with a RoleBinding) or in all of them (a ClusterRole with a ClusterRoleBinding).
/// </summary>
/// <remarks>
/// As RBAC does: <c>*</c> in <see cref="Verbs"/> or <see cref="Resources"/> matches everything; an empty
/// <see cref="ResourceNames"/> matches every name. A rule with resource names never allows <c>create</c>, nor a <c>list</c> or
/// <c>watch</c> of the whole collection: a list or watch is allowed by resource names only when it has the field selector
/// <c>metadata.name=&lt;one of the names&gt;</c>.
/// </remarks>
public sealed class KubernetesRbacRule
{
    /// <summary>The verbs: <c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>, <c>patch</c>, <c>delete</c>, or <c>*</c>.</summary>
    public required IReadOnlyList<string> Verbs { get; init; }

    /// <summary>The resources: <c>secrets</c>, <c>configmaps</c>, or <c>*</c>.</summary>
    public required IReadOnlyList<string> Resources { get; init; }

    /// <summary>The object names the rule is limited to.</summary>
    /// <value>Default empty: every name.</value>
    public IReadOnlyList<string> ResourceNames { get; init; } = [];

    /// <summary>The namespace the rule is bound in.</summary>
    /// <value>Default <see langword="null"/>: every namespace and the cluster scope (<c>/api/v1/secrets</c>).</value>
    public string? Namespace { get; init; }
}

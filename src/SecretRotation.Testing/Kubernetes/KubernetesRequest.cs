namespace SecretRotation.Testing;

/// <summary>One request a <see cref="KubernetesEmulator"/> answered, as listed in <see cref="KubernetesEmulator.Requests"/>.</summary>
/// <remarks>
/// <see cref="EmulatorRequest.Path"/> is the URL path as sent, for example <c>/api/v1/namespaces/default/secrets/app</c>. A watch is
/// logged when its stream starts, with status 200.
/// </remarks>
public sealed record KubernetesRequest : EmulatorRequest
{
    internal KubernetesRequest()
    {
    }

    /// <summary>
    /// The user the bearer token stands for (for example <c>system:serviceaccount:default:app</c>), <c>"invalid"</c> for an unknown
    /// token, <c>"none"</c> when the request carried none.
    /// </summary>
    public required string User { get; init; }

    /// <summary>The API verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>, <c>patch</c>, <c>delete</c>), or <see langword="null"/> for discovery and unknown paths.</summary>
    public string? Verb { get; init; }

    /// <summary>The resource (<c>secrets</c> or <c>configmaps</c>), or <see langword="null"/>.</summary>
    public string? Resource { get; init; }

    /// <summary>The namespace, or <see langword="null"/> for cluster-scoped requests.</summary>
    public string? Namespace { get; init; }

    /// <summary>The object name from the path or from a <c>metadata.name=</c> field selector, or <see langword="null"/>.</summary>
    public string? Name { get; init; }
}

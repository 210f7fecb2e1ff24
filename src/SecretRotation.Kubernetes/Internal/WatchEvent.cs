namespace SecretRotation.Kubernetes.Internal;

/// <summary>One parsed watch event: ADDED/MODIFIED/DELETED carry the object, BOOKMARK a resourceVersion, ERROR a status.</summary>
internal sealed record WatchEvent(string Type, KubernetesObject? Object, string? ResourceVersion, int? StatusCode, string? Reason);

namespace SecretRotation.Kubernetes.Internal;

/// <summary>The two kinds of object the source reads.</summary>
internal enum ResourceKind
{
    /// <summary>A Secret: <c>data</c> values are base64.</summary>
    Secret,

    /// <summary>A ConfigMap: <c>data</c> values are text, <c>binaryData</c> values base64.</summary>
    ConfigMap,
}

namespace SecretRotation.Testing;

/// <summary>Where an object lives: resource, namespace and name.</summary>
internal readonly record struct KubernetesObjectKey(KubernetesResource Resource, string Namespace, string Name);

namespace SecretRotation.Testing;

/// <summary>A core/v1 resource the emulator serves: its URL name, its kind and the kind of its list.</summary>
internal sealed record KubernetesResource(string Name, string Kind, string ListKind)
{
    public static readonly KubernetesResource Secrets = new("secrets", "Secret", "SecretList");

    public static readonly KubernetesResource ConfigMaps = new("configmaps", "ConfigMap", "ConfigMapList");

    public static KubernetesResource? Find(string name) => name switch
    {
        "secrets" => Secrets,
        "configmaps" => ConfigMaps,
        _ => null,
    };
}

namespace SecretRotation.Testing;

/// <summary>A Secret or ConfigMap as a <see cref="KubernetesEmulator"/> stores it, read without going through HTTP.</summary>
/// <remarks><see cref="ToString"/> names the object and its version, never its data.</remarks>
public sealed class KubernetesObjectSnapshot
{
    internal KubernetesObjectSnapshot(
        string kind, string ns, string name, string uid, string resourceVersion, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, byte[]> data)
    {
        Kind = kind;
        Namespace = ns;
        Name = name;
        Uid = uid;
        ResourceVersion = resourceVersion;
        Labels = labels;
        Data = data;
    }

    /// <summary><c>Secret</c> or <c>ConfigMap</c>.</summary>
    public string Kind { get; }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The uid the emulator gave the object when it was created.</summary>
    public string Uid { get; }

    /// <summary>The object's <c>metadata.resourceVersion</c>.</summary>
    public string ResourceVersion { get; }

    /// <summary>The object's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>The data, decoded: a Secret's <c>data</c> (base64-decoded), a ConfigMap's <c>data</c> (UTF-8) and <c>binaryData</c>.</summary>
    public IReadOnlyDictionary<string, byte[]> Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Namespace}/{Name} (resourceVersion {ResourceVersion}, {Data.Count} keys)";
}

namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// One Secret or ConfigMap as read: its name, version and decoded data. <see cref="ToString"/> gives the name and version,
/// never a value.
/// </summary>
internal sealed class KubernetesObject
{
    public KubernetesObject(string name, string resourceVersion, IReadOnlyDictionary<string, byte[]> data, long size)
    {
        Name = name;
        ResourceVersion = resourceVersion;
        Data = data;
        Size = size;
    }

    public string Name { get; }

    public string ResourceVersion { get; }

    /// <summary>Key to decoded bytes (Secret <c>data</c> base64-decoded; ConfigMap <c>data</c> as UTF-8 and <c>binaryData</c> decoded).</summary>
    public IReadOnlyDictionary<string, byte[]> Data { get; }

    /// <summary>The decoded bytes of all values together.</summary>
    public long Size { get; }

    /// <summary>Why the object cannot be loaded (e.g. over the size cap), or <see langword="null"/>. Never holds a value.</summary>
    public string? Problem { get; init; }

    /// <summary>Whether both hold the same keys with the same bytes: an update that changed only metadata is not a change.</summary>
    public bool HasSameData(KubernetesObject other)
    {
        if (Problem != other.Problem || Data.Count != other.Data.Count)
        {
            return false;
        }

        foreach (var (key, value) in Data)
        {
            if (!other.Data.TryGetValue(key, out var otherValue) || !value.AsSpan().SequenceEqual(otherValue))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => $"{Name} (resourceVersion {ResourceVersion}, {Data.Count} keys)";
}

using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>A mount table entry (secrets engine or auth method) and the state of its backend.</summary>
internal sealed class VaultMount
{
    public VaultMount(string path, string type, int kvVersion = 0)
    {
        Path = path;
        Type = type;
        KvVersion = kvVersion;
        Accessor = VaultRandom.MountAccessor(IsAuth ? "auth_" + type : type);
        Description = type switch
        {
            "kv" => "key/value secret storage",
            "system" => "system endpoints used for control, policy and debugging",
            "token" => "token based credentials",
            _ => string.Empty,
        };
    }

    /// <summary>The mount path with a trailing slash: <c>secret/</c>, <c>auth/kubernetes/</c>.</summary>
    public string Path { get; }

    /// <summary><c>kv</c>, <c>database</c>, <c>kubernetes</c>, <c>approle</c>, <c>token</c> or <c>system</c>.</summary>
    public string Type { get; }

    /// <summary>1 or 2 for a KV mount, otherwise 0.</summary>
    public int KvVersion { get; }

    public string Accessor { get; }

    public string Uuid { get; } = VaultRandom.Uuid();

    public string Description { get; }

    public bool IsAuth => Path.StartsWith("auth/", StringComparison.Ordinal);

    /// <summary>KV v1 entries by key.</summary>
    public SortedDictionary<string, JsonElement> KvV1 { get; } = new(StringComparer.Ordinal);

    /// <summary>KV v2 keys.</summary>
    public SortedDictionary<string, VaultKvV2Key> KvV2 { get; } = new(StringComparer.Ordinal);

    /// <summary>Kubernetes or AppRole roles by name.</summary>
    public Dictionary<string, VaultLoginRole> LoginRoles { get; } = new(StringComparer.Ordinal);

    /// <summary>Database roles by name.</summary>
    public Dictionary<string, VaultDatabaseRole> DatabaseRoles { get; } = new(StringComparer.Ordinal);
}

namespace SecretRotation.HashiCorpVault;

/// <summary>The secrets engine mount that holds a path, as <c>sys/internal/ui/mounts</c> (the Vault CLI's source) tells it.</summary>
public sealed class VaultMountInfo
{
    internal VaultMountInfo(string path, string type, string? version)
    {
        Path = path;
        Type = type;
        Version = version;
    }

    /// <summary>The mount's path, with a trailing slash: <c>secret/</c>.</summary>
    public string Path { get; }

    /// <summary>The engine type: <c>kv</c>, <c>generic</c>, <c>database</c>, ...; empty when Vault did not say.</summary>
    public string Type { get; }

    /// <summary>The engine's <c>version</c> option (<c>"2"</c> for KV v2), or <see langword="null"/>.</summary>
    public string? Version { get; }

    /// <summary>Whether the mount is a KV version 2 engine.</summary>
    public bool IsKvV2 => Type is "kv" or "generic" && Version == "2";
}

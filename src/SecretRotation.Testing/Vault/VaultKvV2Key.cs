namespace SecretRotation.Testing;

/// <summary>A KV v2 key's metadata and versions (<c>KeyMetadata</c> in vault-plugin-secrets-kv).</summary>
internal sealed class VaultKvV2Key
{
    /// <summary>The number of versions kept when neither the key nor the mount sets <c>max_versions</c>.</summary>
    public const int DefaultMaxVersions = 10;

    public int CurrentVersion { get; set; }

    /// <summary>0 until versions are trimmed, then the oldest kept version (as Vault counts it).</summary>
    public int OldestVersion { get; set; }

    public int MaxVersions { get; set; }

    public bool CasRequired { get; set; }

    public TimeSpan DeleteVersionAfter { get; set; }

    /// <summary><c>custom_metadata</c>; <see langword="null"/> (JSON <c>null</c>) until set.</summary>
    public Dictionary<string, string>? CustomMetadata { get; set; }

    public DateTimeOffset? CreatedTime { get; set; }

    public DateTimeOffset? UpdatedTime { get; set; }

    public SortedDictionary<int, VaultKvV2Version> Versions { get; } = [];

    /// <summary>Adds a version as <c>KeyMetadata.AddVersion</c> does, trimming the oldest beyond <c>max_versions</c>.</summary>
    public VaultKvV2Version AddVersion(System.Text.Json.JsonElement data, DateTimeOffset now)
    {
        var version = new VaultKvV2Version
        {
            Data = data,
            CreatedTime = now,
            DeletionTime = DeleteVersionAfter > TimeSpan.Zero ? now + DeleteVersionAfter : null,
        };
        CurrentVersion++;
        Versions[CurrentVersion] = version;
        UpdatedTime = now;
        CreatedTime ??= now;

        var maxVersions = MaxVersions > 0 ? MaxVersions : DefaultMaxVersions;
        if (CurrentVersion - OldestVersion >= maxVersions)
        {
            var versionToDelete = CurrentVersion - maxVersions;
            for (var number = OldestVersion; number <= versionToDelete; number++)
            {
                Versions.Remove(number);
            }

            OldestVersion = versionToDelete + 1;
        }

        return version;
    }
}

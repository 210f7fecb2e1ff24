namespace SecretRotation.HashiCorpVault;

/// <summary>A KV v2 secret's metadata: its current version, whether that version is deleted, and its <c>custom_metadata</c>.</summary>
public sealed class VaultKvMetadata
{
    internal VaultKvMetadata(long currentVersion, bool isCurrentVersionDeleted, IReadOnlyDictionary<string, string> customMetadata)
    {
        CurrentVersion = currentVersion;
        IsCurrentVersionDeleted = isCurrentVersionDeleted;
        CustomMetadata = customMetadata;
    }

    /// <summary>The current version; 0 when every version was deleted with its metadata kept.</summary>
    public long CurrentVersion { get; }

    /// <summary>Whether the current version is soft-deleted or destroyed.</summary>
    public bool IsCurrentVersionDeleted { get; }

    /// <summary>The secret's <c>custom_metadata</c> (string values only); empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; }
}

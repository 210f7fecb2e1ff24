using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>One version of a KV v2 secret (<c>VersionMetadata</c> plus the stored data).</summary>
internal sealed class VaultKvV2Version
{
    /// <summary>The data object; <see langword="null"/> once destroyed.</summary>
    public JsonElement? Data { get; set; }

    public required DateTimeOffset CreatedTime { get; init; }

    /// <summary>When the version was (or, with <c>delete_version_after</c>, will be) soft-deleted.</summary>
    public DateTimeOffset? DeletionTime { get; set; }

    public bool Destroyed { get; set; }

    /// <summary>
    /// Soft-deleted: a deletion time at or before now. Vault checks <c>deletionTime.Before(time.Now())</c>, which a real clock always
    /// satisfies right after a delete; a fake clock that has not moved needs "at" as well.
    /// </summary>
    public bool IsDeleted(DateTimeOffset now) => DeletionTime is DateTimeOffset deleted && deleted <= now;
}

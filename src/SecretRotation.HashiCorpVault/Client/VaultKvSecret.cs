using System.Text.Json;

namespace SecretRotation.HashiCorpVault;

/// <summary>
/// A KV secret as read: its fields and, for KV v2, its version. <see cref="ToString"/> names the fields, never their values.
/// </summary>
public sealed class VaultKvSecret
{
    internal VaultKvSecret(IReadOnlyDictionary<string, JsonElement> data, long version, bool isDeleted)
    {
        Data = data;
        Version = version;
        IsDeleted = isDeleted;
    }

    /// <summary>The fields (JSON values: strings, numbers, objects); empty when <see cref="IsDeleted"/>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Data { get; }

    /// <summary>The KV v2 version read; 0 for KV v1.</summary>
    public long Version { get; }

    /// <summary>Whether the KV v2 version read is soft-deleted or destroyed (its data is gone, its metadata remains).</summary>
    public bool IsDeleted { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"VaultKvSecret {{ Version = {Version}, IsDeleted = {IsDeleted}, Fields = [{string.Join(", ", Data.Keys)}] }}";
}

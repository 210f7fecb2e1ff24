using System.Text.Json;
using SecretRotation.HashiCorpVault;
using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>
/// The Vault side of the mirror: KV v2 metadata reads, check-and-set writes, <c>custom_metadata</c> records, soft deletes and
/// listing, through the public <see cref="VaultClient"/> (which logs in again and retries once after a 403 only when the token
/// is dead). Calls are serialized by the reconciler. The client URL-escapes every segment of a path (mount, prefix, secret
/// name), so a name is always one segment under the prefix.
/// </summary>
internal sealed class VaultMirrorTarget(VaultClient client, MirrorOptions options)
{
    private readonly string _mount = options.NormalizedMount;
    private readonly string _prefix = options.NormalizedPathPrefix;

    /// <summary>The path as <c>vault kv</c> names it, for logs: <c>secret/mirror/db</c>.</summary>
    public string Describe(string name) => $"{_mount}/{_prefix}{name}";

    public async Task<VaultSecretState> ReadStateAsync(string name, CancellationToken cancellationToken) =>
        await client.ReadKv2MetadataAsync(_mount, Path(name), cancellationToken) is { } metadata
            ? new VaultSecretState(metadata.CurrentVersion > 0, metadata.CurrentVersion, metadata.IsCurrentVersionDeleted, metadata.CustomMetadata)
            : VaultSecretState.Missing;

    /// <summary>Writes <paramref name="value"/> as a new version with check-and-set on <paramref name="cas"/>; returns the new version.</summary>
    /// <exception cref="CasConflictException">The current version is no longer <paramref name="cas"/>.</exception>
    public async Task<long> WriteAsync(string name, string value, long cas, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [options.ValueField] = JsonSerializer.SerializeToElement(value) };
        try
        {
            return await client.WriteKv2Async(_mount, Path(name), data, cas, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.IsCheckAndSetConflict)
        {
            throw new CasConflictException($"'{Describe(name)}' changed in Vault after version {cas} was read; nothing was written.", exception);
        }
    }

    public Task RecordAsync(string name, IReadOnlyDictionary<string, string> customMetadata, CancellationToken cancellationToken) =>
        client.WriteKv2CustomMetadataAsync(_mount, Path(name), customMetadata, cancellationToken);

    public Task SoftDeleteLatestAsync(string name, CancellationToken cancellationToken) =>
        client.DeleteKv2LatestAsync(_mount, Path(name), cancellationToken);

    /// <summary>The secret names directly under the path prefix (sub-folders are not the mirror's).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        (await client.ListKv2Async(_mount, _prefix, cancellationToken)).Where(k => !k.EndsWith('/')).ToArray();

    /// <summary>The secret's path under the mount: the prefix, then the name, which must stay one segment.</summary>
    private string Path(string name) => name.Contains('/', StringComparison.Ordinal) || name is "." or ".."
        ? throw new ArgumentException($"'{KeyVaultSecretName.ForLog(name)}' is not one Vault path segment.", nameof(name))
        : _prefix + name;
}

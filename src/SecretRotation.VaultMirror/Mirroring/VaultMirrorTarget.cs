using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.HashiCorpVault.Client;
using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>
/// The Vault side of the mirror: KV v2 metadata reads, check-and-set writes, <c>custom_metadata</c> records, soft deletes and
/// listing, each with a token from the token manager (one new login and retry after a 403). Calls are serialized by the reconciler.
/// Every segment of a Vault path (mount, prefix, secret name) is URL-escaped, so a name is always one segment under the prefix.
/// </summary>
internal sealed class VaultMirrorTarget(VaultHttpClient client, VaultTokenManager tokens, MirrorOptions options, ILogger<VaultMirrorTarget> logger)
{
    private readonly string _mount = options.NormalizedMount;
    private readonly string _prefix = options.NormalizedPathPrefix;
    private readonly string _escapedMount = EscapeSegments(options.NormalizedMount);
    private readonly string _escapedPrefix = EscapeSegments(options.NormalizedPathPrefix);

    /// <summary>The path as <c>vault kv</c> names it, for logs: <c>secret/mirror/db</c>.</summary>
    public string Describe(string name) => $"{_mount}/{_prefix}{name}";

    public Task<VaultSecretState> ReadStateAsync(string name, CancellationToken cancellationToken) =>
        WithTokenAsync(async token =>
        {
            VaultResponse response;
            try
            {
                response = await client.ReadAsync(MetadataPath(name), token, cancellationToken);
            }
            catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound)
            {
                return VaultSecretState.Missing;
            }

            return Parse(response.Data);
        }, cancellationToken);

    /// <summary>Writes <paramref name="value"/> as a new version with check-and-set on <paramref name="cas"/>; returns the new version.</summary>
    /// <exception cref="CasConflictException">The current version is no longer <paramref name="cas"/>.</exception>
    public Task<long> WriteAsync(string name, string value, long cas, CancellationToken cancellationToken) =>
        WithTokenAsync(async token =>
        {
            var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [options.ValueField] = JsonSerializer.SerializeToElement(value) };
            VaultResponse written;
            try
            {
                written = await client.WriteKv2DataAsync(DataPath(name), data, cas, token, cancellationToken);
            }
            catch (VaultApiException exception) when (exception.Status == HttpStatusCode.BadRequest
                && exception.Errors.Any(e => e.Contains("check-and-set", StringComparison.OrdinalIgnoreCase)))
            {
                throw new CasConflictException($"'{Describe(name)}' changed in Vault after version {cas} was read; nothing was written.", exception);
            }

            return written.Data is { } d && d.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number
                ? v.GetInt64()
                : throw new VaultProtocolException($"Vault's answer to writing '{Describe(name)}' has no version.");
        }, cancellationToken);

    public Task RecordAsync(string name, IReadOnlyDictionary<string, string> customMetadata, CancellationToken cancellationToken) =>
        WithTokenAsync(token => client.WriteKv2CustomMetadataAsync(MetadataPath(name), customMetadata, token, cancellationToken), cancellationToken);

    public Task SoftDeleteLatestAsync(string name, CancellationToken cancellationToken) =>
        WithTokenAsync(token => client.DeleteKv2LatestAsync(DataPath(name), token, cancellationToken), cancellationToken);

    /// <summary>The secret names directly under the path prefix (sub-folders are not the mirror's).</summary>
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        WithTokenAsync<IReadOnlyList<string>>(async token =>
        {
            VaultResponse response;
            try
            {
                response = await client.ListAsync($"{_escapedMount}/metadata/{_escapedPrefix}", token, cancellationToken);
            }
            catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound)
            {
                return [];
            }

            return response.Data is { } d && d.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array
                ? keys.EnumerateArray().Where(k => k.ValueKind == JsonValueKind.String).Select(k => k.GetString()!).Where(k => !k.EndsWith('/')).ToArray()
                : [];
        }, cancellationToken);

    private string DataPath(string name) => $"{_escapedMount}/data/{_escapedPrefix}{Uri.EscapeDataString(name)}";

    private string MetadataPath(string name) => $"{_escapedMount}/metadata/{_escapedPrefix}{Uri.EscapeDataString(name)}";

    /// <summary>Each <c>/</c>-separated segment escaped on its own (the separators, and a trailing one, kept).</summary>
    private static string EscapeSegments(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// Runs a call with the current token. A 403 leads to a new login and one retry only when the token itself is dead (expired
    /// by its TTL, or refused by lookup-self); a 403 to a valid token is a policy denying this path and fails this secret alone,
    /// instead of a login at every pass for every denied path.
    /// </summary>
    private async Task<T> WithTokenAsync<T>(Func<string, Task<T>> call, CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(logger, cancellationToken);
        try
        {
            return await call(token);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            // Asked afresh at every refusal (one lookup-self): the mirror has no read boundary at which to forget an earlier answer.
            tokens.BeginRead();
            if (!await tokens.IsDeadAsync(logger, cancellationToken) || !await tokens.TryReplaceDeadTokenAsync(logger, cancellationToken))
            {
                throw;
            }
        }

        return await call(await tokens.GetTokenAsync(logger, cancellationToken));
    }

    private static VaultSecretState Parse(JsonElement? data)
    {
        if (data is not { } d)
        {
            return VaultSecretState.Missing;
        }

        var current = d.TryGetProperty("current_version", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : 0;
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        if (d.TryGetProperty("custom_metadata", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                custom[property.Name] = property.Value.GetString()!;
            }
        }

        var deleted = false;
        if (d.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object
            && versions.TryGetProperty(current.ToString(CultureInfo.InvariantCulture), out var version) && version.ValueKind == JsonValueKind.Object)
        {
            deleted = (version.TryGetProperty("deletion_time", out var deletion) && deletion.ValueKind == JsonValueKind.String && deletion.GetString()!.Length > 0)
                || (version.TryGetProperty("destroyed", out var destroyed) && destroyed.ValueKind == JsonValueKind.True);
        }

        return new VaultSecretState(current > 0, current, deleted, custom);
    }
}

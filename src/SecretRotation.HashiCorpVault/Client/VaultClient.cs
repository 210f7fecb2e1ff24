using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault;

/// <summary>
/// A small Vault client for KV secrets and the client's own token, with the transport rules of the configuration source:
/// no automatic redirects (at most one 307/308, to <see cref="VaultClientOptions.AllowedRedirectHosts"/>), a cap on every
/// response body, private CAs with intermediates, durations clamped to 10 years, and a 30-second bound on each request.
/// </summary>
/// <remarks>
/// The client logs in with <see cref="VaultClientOptions.Authentication"/> on first use and keeps the token usable: renewed
/// at about two thirds of its TTL, replaced when renewal runs out. A 403 leads to a new login and one retry only when the
/// token itself is dead (expired, or refused by <c>auth/token/lookup-self</c>); a 403 to a valid token is a policy denying
/// that path and is thrown as a <see cref="VaultApiException"/>. Errors carry the method, the path and Vault's
/// <c>errors</c>, never a secret value or a token. The client is safe for concurrent use.
/// </remarks>
public sealed class VaultClient : IDisposable
{
    private readonly VaultTokenManager _tokens;
    private readonly VaultHttpClient _transport;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);

    /// <summary>Creates a client; nothing is sent until the first call.</summary>
    /// <param name="options">The address, authentication and transport settings.</param>
    /// <param name="logger">Logs logins and token renewals (never a token); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><see cref="VaultClientOptions.Address"/> or <see cref="VaultClientOptions.Authentication"/> is missing, or a redirect host is not a host name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="VaultClientOptions.MaxResponseBytes"/> is below 1 or above <see cref="Array.MaxLength"/>.</exception>
    public VaultClient(VaultClientOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = options.Address ?? throw new ArgumentException("VaultClientOptions.Address is not set.", nameof(options));
        var auth = options.Authentication
            ?? throw new ArgumentException("VaultClientOptions.Authentication is not set (VaultAuthMethod.Token, TokenFile, Kubernetes or AppRole).", nameof(options));
        if (options.MaxResponseBytes < 1 || options.MaxResponseBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxResponseBytes, $"MaxResponseBytes must be between 1 and {Array.MaxLength}.");
        }

        var redirectHosts = options.AllowedRedirectHosts.Select(VaultRedirectPolicy.NormalizeHost).ToArray();
        var time = options.TimeProvider ?? TimeProvider.System;
        var handler = options.HttpMessageHandler ?? CreateHandler(options);
        var dispose = options.HttpMessageHandler is null || options.DisposeHttpMessageHandler;
        _transport = new VaultHttpClient(address, options.Namespace, handler, dispose, redirectHosts, options.MaxResponseBytes);
        _tokens = new VaultTokenManager(auth, _transport, time);
        _logger = logger ?? NullLogger.Instance;
        Address = address;
    }

    /// <summary>The Vault server.</summary>
    public Uri Address { get; }

    /// <summary>The transport, shared with the configuration source's reader.</summary>
    internal VaultHttpClient Transport => _transport;

    /// <summary>The token manager, shared with the configuration source's reader (which serializes its own reads).</summary>
    internal VaultTokenManager Tokens => _tokens;

    /// <summary>Reads a KV version 1 secret, e.g. <c>kv/myapp/db</c>.</summary>
    /// <param name="path">The full path: the mount, then the secret.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The secret (version 0), or <see langword="null"/> when nothing is stored there.</returns>
    /// <exception cref="VaultApiException">Vault answered an error other than 404.</exception>
    public Task<VaultKvSecret?> ReadKv1Async(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return WithTokenAsync(async token =>
        {
            var response = await NullIfNotFoundAsync(() => _transport.ReadAsync(EscapeSegments(path.Trim('/')), token, cancellationToken));
            return response is null ? null : new VaultKvSecret(Fields(response.Data), 0, isDeleted: false);
        }, cancellationToken);
    }

    /// <summary>Reads the latest version of a KV version 2 secret (<c>{mount}/data/{path}</c>).</summary>
    /// <param name="mount">The KV v2 mount, e.g. <c>secret</c>.</param>
    /// <param name="path">The secret under the mount, e.g. <c>myapp/db</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// The secret; when its latest version is soft-deleted or destroyed, one with <see cref="VaultKvSecret.IsDeleted"/> set and no
    /// data; <see langword="null"/> when the secret does not exist.
    /// </returns>
    /// <exception cref="VaultApiException">Vault answered an error other than 404.</exception>
    public Task<VaultKvSecret?> ReadKv2Async(string mount, string path, CancellationToken cancellationToken = default)
    {
        var dataPath = Kv2Path(mount, "data", path);
        return WithTokenAsync(async token =>
        {
            var response = await NullIfNotFoundAsync(() => _transport.ReadKv2DataAsync(dataPath, token, cancellationToken));
            if (response is null)
            {
                return null;
            }

            var envelope = response.Data ?? throw new VaultProtocolException($"Vault's answer to GET {dataPath} has no data.");
            var version = envelope.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var number)
                    ? number
                    : 0;
            var fields = envelope.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data : (JsonElement?)null;
            return new VaultKvSecret(Fields(fields), version, isDeleted: fields is null);
        }, cancellationToken);
    }

    /// <summary>Reads a KV version 2 secret's metadata (<c>{mount}/metadata/{path}</c>).</summary>
    /// <param name="mount">The KV v2 mount.</param>
    /// <param name="path">The secret under the mount.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The metadata, or <see langword="null"/> when the secret does not exist.</returns>
    /// <exception cref="VaultApiException">Vault answered an error other than 404.</exception>
    public Task<VaultKvMetadata?> ReadKv2MetadataAsync(string mount, string path, CancellationToken cancellationToken = default)
    {
        var metadataPath = Kv2Path(mount, "metadata", path);
        return WithTokenAsync(async token =>
        {
            var response = await NullIfNotFoundAsync(() => _transport.ReadAsync(metadataPath, token, cancellationToken));
            return response?.Data is { } data ? ParseMetadata(data) : null;
        }, cancellationToken);
    }

    /// <summary>
    /// Writes a new version of a KV version 2 secret (all its fields), with check-and-set when <paramref name="checkAndSet"/>
    /// is given: the version that must be current, 0 for "must not exist yet".
    /// </summary>
    /// <param name="mount">The KV v2 mount.</param>
    /// <param name="path">The secret under the mount.</param>
    /// <param name="data">Every field of the new version.</param>
    /// <param name="checkAndSet">The version that must be current, or <see langword="null"/> to write unconditionally.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="VaultApiException">Vault refused the write; <see cref="VaultApiException.IsCheckAndSetConflict"/> when the secret changed.</exception>
    public Task<long> WriteKv2Async(string mount, string path, IReadOnlyDictionary<string, JsonElement> data, long? checkAndSet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var dataPath = Kv2Path(mount, "data", path);
        return WithTokenAsync(async token =>
        {
            var written = await _transport.WriteKv2DataAsync(dataPath, data, checkAndSet, token, cancellationToken);
            return written.Data is { } d && d.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var version)
                ? version
                : throw new VaultProtocolException($"Vault's answer to POST {dataPath} has no version.");
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces a KV version 2 secret's whole <c>custom_metadata</c> map (<c>{mount}/metadata/{path}</c>); its other settings,
    /// such as <c>max_versions</c>, are kept. Creates the metadata when the secret does not exist yet.
    /// </summary>
    /// <param name="mount">The KV v2 mount.</param>
    /// <param name="path">The secret under the mount.</param>
    /// <param name="customMetadata">The new map.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="VaultApiException">Vault refused the write.</exception>
    public Task WriteKv2CustomMetadataAsync(string mount, string path, IReadOnlyDictionary<string, string> customMetadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customMetadata);
        var metadataPath = Kv2Path(mount, "metadata", path);
        return WithTokenAsync(token => _transport.WriteKv2CustomMetadataAsync(metadataPath, customMetadata, token, cancellationToken), cancellationToken);
    }

    /// <summary>Soft-deletes the latest version of a KV version 2 secret (it can be undeleted; its metadata stays).</summary>
    /// <param name="mount">The KV v2 mount.</param>
    /// <param name="path">The secret under the mount.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="VaultApiException">Vault refused the delete.</exception>
    public Task DeleteKv2LatestAsync(string mount, string path, CancellationToken cancellationToken = default)
    {
        var dataPath = Kv2Path(mount, "data", path);
        return WithTokenAsync(token => _transport.DeleteKv2LatestAsync(dataPath, token, cancellationToken), cancellationToken);
    }

    /// <summary>Lists the keys directly under a KV version 2 folder (<c>LIST {mount}/metadata/{path}</c>).</summary>
    /// <param name="mount">The KV v2 mount.</param>
    /// <param name="path">The folder under the mount, e.g. <c>myapp/</c>; empty for the mount's root.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The keys, sub-folders ending with <c>/</c>; empty when the folder does not exist.</returns>
    /// <exception cref="VaultApiException">Vault answered an error other than 404.</exception>
    public Task<IReadOnlyList<string>> ListKv2Async(string mount, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = path.Length == 0 || path.EndsWith('/') ? path : path + "/";
        var listPath = Kv2Path(mount, "metadata", folder, allowEmpty: true);
        return WithTokenAsync<IReadOnlyList<string>>(async token =>
        {
            VaultResponse response;
            try
            {
                response = await _transport.ListAsync(listPath, token, cancellationToken);
            }
            catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound)
            {
                return [];
            }

            return response.Data is { } d && d.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array
                ? keys.EnumerateArray().Where(k => k.ValueKind == JsonValueKind.String).Select(k => k.GetString()!).ToArray()
                : [];
        }, cancellationToken);
    }

    /// <summary>Finds the secrets engine mount that holds <paramref name="path"/> (<c>sys/internal/ui/mounts/{path}</c>).</summary>
    /// <param name="path">A full path, e.g. <c>secret/myapp/db</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="VaultApiException">Vault refused (403: the token may not ask; 404: an old Vault without the endpoint).</exception>
    public Task<VaultMountInfo> GetMountAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return WithTokenAsync(async token =>
        {
            var answer = await _transport.GetMountAsync(EscapeSegments(path.TrimStart('/')), token, cancellationToken);
            var data = answer.Data;
            return new VaultMountInfo(
                data is { } d && d.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : string.Empty,
                data is { } t && t.TryGetProperty("type", out var ty) && ty.ValueKind == JsonValueKind.String ? ty.GetString()! : string.Empty,
                data is { } o && o.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
                    && options.TryGetProperty("version", out var ver) && ver.ValueKind == JsonValueKind.String ? ver.GetString() : null);
        }, cancellationToken);
    }

    /// <summary>Looks up the client's token (<c>auth/token/lookup-self</c>), logging in first if needed.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="VaultApiException">Vault refused (403: the token is dead, or its policy denies lookup-self).</exception>
    public async Task<VaultTokenInfo> LookupSelfAsync(CancellationToken cancellationToken = default)
    {
        var token = await GetTokenAsync(cancellationToken);
        var response = await _transport.LookupSelfAsync(token, cancellationToken);
        var data = response.Data ?? throw new VaultProtocolException("Vault's answer to GET auth/token/lookup-self has no data.");
        var ttl = VaultDuration.ReadSeconds(data, "ttl");
        return new VaultTokenInfo(
            data.TryGetProperty("accessor", out var accessor) && accessor.ValueKind == JsonValueKind.String ? accessor.GetString() : null,
            ttl > 0 ? TimeSpan.FromSeconds(ttl) : null,
            data.TryGetProperty("renewable", out var renewable) && renewable.ValueKind == JsonValueKind.True,
            Strings(data, "policies"));
    }

    /// <summary>Renews the client's token (<c>auth/token/renew-self</c>) by <paramref name="increment"/>, logging in first if needed.</summary>
    /// <param name="increment">The TTL asked for (whole seconds); Vault caps it at the token's max TTL.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token's new TTL as Vault granted it.</returns>
    /// <exception cref="VaultApiException">Vault refused (the token is not renewable, or is dead).</exception>
    public async Task<VaultTokenInfo> RenewSelfAsync(TimeSpan increment, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(increment, TimeSpan.FromSeconds(1));
        var token = await GetTokenAsync(cancellationToken);
        var response = await _transport.RenewSelfAsync(token, (long)Math.Min(increment.TotalSeconds, VaultDuration.MaxSeconds), cancellationToken);
        var auth = response.Auth ?? throw new VaultProtocolException("Vault's answer to POST auth/token/renew-self has no auth block.");
        return new VaultTokenInfo(auth.Accessor, auth.LeaseDuration > 0 ? TimeSpan.FromSeconds(auth.LeaseDuration) : null, auth.Renewable, auth.Policies);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _transport.Dispose();
        _tokenLock.Dispose();
    }

    /// <summary>Each <c>/</c>-separated segment escaped on its own (the separators, and a trailing one, kept).</summary>
    internal static string EscapeSegments(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>The metadata of a KV v2 secret from the <c>data</c> of a metadata read.</summary>
    internal static VaultKvMetadata ParseMetadata(JsonElement data)
    {
        var current = data.TryGetProperty("current_version", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var number) ? number : 0;
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        if (data.TryGetProperty("custom_metadata", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                custom[property.Name] = property.Value.GetString()!;
            }
        }

        var deleted = false;
        if (data.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object
            && versions.TryGetProperty(current.ToString(CultureInfo.InvariantCulture), out var version) && version.ValueKind == JsonValueKind.Object)
        {
            deleted = (version.TryGetProperty("deletion_time", out var deletion) && deletion.ValueKind == JsonValueKind.String && deletion.GetString()!.Length > 0)
                || (version.TryGetProperty("destroyed", out var destroyed) && destroyed.ValueKind == JsonValueKind.True);
        }

        return new VaultKvMetadata(current, deleted, custom);
    }

    /// <summary>Vault's answer to a read, or <see langword="null"/> when it answers 404 (nothing stored there).</summary>
    /// <exception cref="VaultApiException">Vault answered an error other than 404.</exception>
    private static async Task<VaultResponse?> NullIfNotFoundAsync(Func<Task<VaultResponse>> read)
    {
        try
        {
            return await read();
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static string Kv2Path(string mount, string kind, string path, bool allowEmpty = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mount);
        ArgumentNullException.ThrowIfNull(path);
        var relative = path.TrimStart('/');
        if (!allowEmpty && relative.Trim('/').Length == 0)
        {
            throw new ArgumentException("Name a secret under the mount.", nameof(path));
        }

        return $"{EscapeSegments(mount.Trim('/'))}/{kind}/{EscapeSegments(relative)}";
    }

    private static Dictionary<string, JsonElement> Fields(JsonElement? data)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (data is { ValueKind: JsonValueKind.Object } d)
        {
            foreach (var property in d.EnumerateObject())
            {
                fields[property.Name] = property.Value.Clone();
            }
        }

        return fields;
    }

    private static string[] Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : [];

    private static SocketsHttpHandler CreateHandler(VaultClientOptions options)
    {
        var trusted = new X509Certificate2Collection();
        if (options.CaCertificates is not null)
        {
            trusted.AddRange(options.CaCertificates);
        }

        if (options.CaCertificateFile is not null)
        {
            trusted.ImportFromPemFile(options.CaCertificateFile);
        }

        return VaultHttpHandlerFactory.Create(trusted, options.ClientCertificate);
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _tokenLock.WaitAsync(cancellationToken);
        try
        {
            return await _tokens.GetTokenAsync(_logger, cancellationToken);
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>
    /// Runs a call with the current token. A 403 leads to a new login and one retry only when the token itself is dead (expired
    /// by its TTL, or refused by lookup-self); a 403 to a valid token is a policy denying this path and is thrown, instead of a
    /// login for every denied path.
    /// </summary>
    private async Task<T> WithTokenAsync<T>(Func<string, Task<T>> call, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken);
        try
        {
            return await call(token);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            bool replaced;
            await _tokenLock.WaitAsync(cancellationToken);
            try
            {
                // Asked afresh at every refusal (one lookup-self): a client has no read boundary at which to forget an earlier answer.
                _tokens.BeginRead();
                replaced = await _tokens.IsDeadAsync(_logger, cancellationToken) && await _tokens.TryReplaceDeadTokenAsync(_logger, cancellationToken);
            }
            finally
            {
                _tokenLock.Release();
            }

            if (!replaced)
            {
                throw;
            }
        }

        return await call(await GetTokenAsync(cancellationToken));
    }

    private async Task WithTokenAsync(Func<string, Task> call, CancellationToken cancellationToken) =>
        await WithTokenAsync<bool>(async token =>
        {
            await call(token);
            return true;
        }, cancellationToken);
}

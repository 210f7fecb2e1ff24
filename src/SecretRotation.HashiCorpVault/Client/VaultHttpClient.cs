using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SecretRotation.HashiCorpVault.Client;

/// <summary>
/// A small typed client for the Vault endpoints this package uses: reads, KV v2 metadata, mount detection, logins, token
/// and lease renewal. Errors become <see cref="VaultApiException"/>; response bodies never reach a message.
/// </summary>
internal sealed class VaultHttpClient : IDisposable
{
    /// <summary>The default cap on a response body: 4 MiB, far above any Vault answer this client reads.</summary>
    public const long DefaultMaxResponseBytes = 4 * 1024 * 1024;

    private static readonly HttpMethod List = new("LIST");
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly string? _namespace;
    private readonly VaultRedirectPolicy _redirects;
    private readonly long _maxResponseBytes;

    /// <param name="address">The Vault server.</param>
    /// <param name="vaultNamespace">The Vault Enterprise namespace, or <see langword="null"/>.</param>
    /// <param name="handler">The handler; its automatic redirects are turned off (see <see cref="VaultRedirectPolicy"/>).</param>
    /// <param name="disposeHandler">Whether disposing this client disposes <paramref name="handler"/>.</param>
    /// <param name="allowedRedirectHosts">Hosts besides <paramref name="address"/>'s a 307/308 may lead to (HA standbys to the active node).</param>
    /// <param name="maxResponseBytes">The largest response body read; a larger one fails the request.</param>
    public VaultHttpClient(
        Uri address,
        string? vaultNamespace,
        HttpMessageHandler handler,
        bool disposeHandler,
        IEnumerable<string>? allowedRedirectHosts = null,
        long maxResponseBytes = DefaultMaxResponseBytes)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResponseBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxResponseBytes, Array.MaxLength);
        VaultHttpHandlerFactory.DisableAutoRedirect(handler);
        _baseAddress = new Uri(address.AbsoluteUri.TrimEnd('/') + "/v1/");
        _http = new HttpClient(handler, disposeHandler)
        {
            // The whole exchange, body included, is bounded below; HttpClient's own timeout would stop at the headers.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _namespace = string.IsNullOrWhiteSpace(vaultNamespace) ? null : vaultNamespace.Trim('/') + "/";
        _redirects = new VaultRedirectPolicy(address, allowedRedirectHosts ?? []);
        _maxResponseBytes = maxResponseBytes;
    }

    /// <summary>GET a secret path (KV v1, KV v2 <c>data/</c>, a dynamic secrets engine).</summary>
    public Task<VaultResponse> ReadAsync(string path, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, body: null, token, cancellationToken);

    /// <summary>
    /// GET a KV v2 <c>data/</c> path, where a soft-deleted or destroyed version answers 404 <em>with</em> a body
    /// (<c>data.data</c> null, <c>data.metadata</c> set); that body is returned instead of thrown.
    /// </summary>
    public Task<VaultResponse> ReadKv2DataAsync(string path, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, body: null, token, cancellationToken, acceptNotFoundWithData: true);

    /// <summary>
    /// POST a new version to a KV v2 <c>data/</c> path with check-and-set: <paramref name="cas"/> is the version that must be
    /// current (0: the secret must not exist yet; <see langword="null"/>: no check). The answer's <c>data.version</c> is the new version.
    /// </summary>
    public Task<VaultResponse> WriteKv2DataAsync(string path, IReadOnlyDictionary<string, JsonElement> data, long? cas, string token, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            path,
            cas is { } version
                ? new Dictionary<string, object> { ["data"] = data, ["options"] = new Dictionary<string, long> { ["cas"] = version } }
                : new Dictionary<string, object> { ["data"] = data },
            token,
            cancellationToken);

    /// <summary>
    /// POST a KV v2 <c>metadata/</c> path with only <c>custom_metadata</c>, which replaces the whole map (Vault keeps the other
    /// settings, such as <c>max_versions</c>, when they are not sent).
    /// </summary>
    public Task<VaultResponse> WriteKv2CustomMetadataAsync(string path, IReadOnlyDictionary<string, string> customMetadata, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, new Dictionary<string, object> { ["custom_metadata"] = customMetadata }, token, cancellationToken);

    /// <summary>DELETE a KV v2 <c>data/</c> path: soft-deletes the latest version (it can be undeleted).</summary>
    public Task<VaultResponse> DeleteKv2LatestAsync(string path, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, body: null, token, cancellationToken);

    /// <summary><c>sys/internal/ui/mounts/{path}</c>: the mount that holds <paramref name="path"/>, its type and options.</summary>
    public Task<VaultResponse> GetMountAsync(string path, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"sys/internal/ui/mounts/{path}", body: null, token, cancellationToken);

    public Task<VaultResponse> LoginAsync(string loginPath, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, loginPath, body, token: null, cancellationToken);

    public Task<VaultResponse> RenewSelfAsync(string token, long incrementSeconds, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "auth/token/renew-self", new Dictionary<string, object> { ["increment"] = incrementSeconds }, token, cancellationToken);

    public Task<VaultResponse> LookupSelfAsync(string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "auth/token/lookup-self", body: null, token, cancellationToken);

    public Task<VaultResponse> RenewLeaseAsync(string leaseId, long incrementSeconds, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "sys/leases/renew", new Dictionary<string, object> { ["lease_id"] = leaseId, ["increment"] = incrementSeconds }, token, cancellationToken);

    public Task<VaultResponse> ListAsync(string path, string token, CancellationToken cancellationToken) =>
        SendAsync(List, path, body: null, token, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<VaultResponse> SendAsync(HttpMethod method, string path, object? body, string? token, CancellationToken cancellationToken, bool acceptNotFoundWithData = false)
    {
        var json = body is null ? null : JsonSerializer.Serialize(body);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var target = new Uri(_baseAddress, path.TrimStart('/'));
            for (var redirects = 0; ; redirects++)
            {
                using var response = await SendOnceAsync(method, target, json, token, timeout.Token);
                if (VaultRedirectPolicy.IsRedirect(response.StatusCode))
                {
                    // Throws unless this one redirect may carry the token and the body; nothing has been sent there yet.
                    target = _redirects.Follow(response, target, method, path, redirects);
                    continue;
                }

                return await ReadResponseAsync(response, method, path, acceptNotFoundWithData, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Vault did not answer {method} {path} within {RequestTimeout.TotalSeconds} s.");
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri target, string? json, string? token, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, target);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("X-Vault-Request", "true");
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        if (_namespace is not null)
        {
            request.Headers.Add("X-Vault-Namespace", _namespace);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return SendAndDisposeAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAndDisposeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            // Headers only: the body is read below, within the cap.
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
    }

    private async Task<VaultResponse> ReadResponseAsync(HttpResponseMessage response, HttpMethod method, string path, bool acceptNotFoundWithData, CancellationToken cancellationToken)
    {
        var bytes = await ReadBoundedAsync(response, method, path, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response.StatusCode == HttpStatusCode.NoContent || bytes.Length == 0 ? new VaultResponse() : ParseEnvelope(bytes, method, path);
        }

        var (errors, root) = ParseErrors(bytes);
        if (acceptNotFoundWithData && response.StatusCode == HttpStatusCode.NotFound && root is { } envelope
            && envelope.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            return VaultResponse.Parse(envelope);
        }

        throw new VaultApiException(method, path, response.StatusCode, errors, response.Headers.RetryAfter?.Delta);
    }

    /// <summary>
    /// The body, read as a stream and stopped past <see cref="_maxResponseBytes"/> (Content-Length is checked first, but a
    /// chunked or lying answer is bounded by what is actually read).
    /// </summary>
    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > _maxResponseBytes)
        {
            throw TooLarge(response, method, path);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream((int)Math.Min(response.Content.Headers.ContentLength ?? 16 * 1024, _maxResponseBytes));
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > _maxResponseBytes)
                {
                    throw TooLarge(response, method, path);
                }

                body.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return body.ToArray();
    }

    private VaultProtocolException TooLarge(HttpResponseMessage response, HttpMethod method, string path) =>
        new($"Vault's answer ({(int)response.StatusCode}) to {method} {path} is larger than the {_maxResponseBytes}-byte limit "
            + "(MaxResponseBytes); it was not read.");

    private static VaultResponse ParseEnvelope(byte[] bytes, HttpMethod method, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new VaultProtocolException($"Vault's answer to {method} {path} is not a JSON object.");
            }

            return VaultResponse.Parse(document.RootElement);
        }
        catch (JsonException)
        {
            // The body may hold secrets: say where it broke, never what it says.
            throw new VaultProtocolException($"Vault's answer to {method} {path} is not valid JSON.");
        }
    }

    private static (IReadOnlyList<string> Errors, JsonElement? Root) ParseErrors(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ([], null);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement.Clone();
            var errors = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
                : [];
            return (errors, root);
        }
        catch (JsonException)
        {
            return (["(the error body is not JSON)"], null);
        }
    }
}

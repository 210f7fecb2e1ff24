using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using k8s;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// The two requests the source makes: a list and a watch. KubernetesClient supplies the configuration, TLS (the cluster's
/// CA) and authentication (a service account token re-read as the kubelet rotates it, client certificates, exec plugins);
/// the requests and the watch stream (line-delimited JSON) are driven here, so bookmarks, ERROR events, 410 and a stall
/// timeout are handled explicitly. Every answer is read with a size cap.
/// </summary>
internal sealed class KubernetesApi : IDisposable
{
    private const int MaxErrorBody = 64 * 1024;

    private readonly k8s.Kubernetes _client;
    private readonly Uri _baseUri;

    public KubernetesApi(KubernetesClientConfiguration configuration)
    {
        _client = new k8s.Kubernetes(configuration);
        var baseUri = _client.BaseUri;
        _baseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
    }

    /// <summary>The API server, for messages (scheme, host, port: no credentials).</summary>
    public string Server => _baseUri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    /// <summary>Lists the query's objects; the answer's resourceVersion is where a watch starts.</summary>
    public async Task<(string ResourceVersion, List<KubernetesObject> Items)> ListAsync(ResourceQuery query, int maxSize, long maxBody, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(query, query.ListPath(), "list", cancellationToken).ConfigureAwait(false);
        var body = await ReadCappedAsync(response.Content, maxBody, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"The list of {query.Description} is larger than {maxBody.ToString(CultureInfo.InvariantCulture)} bytes.");
        return KubernetesJson.ParseList(body, query.Kind, maxSize);
    }

    /// <summary>Opens a watch from <paramref name="resourceVersion"/>; the caller reads the stream line by line and disposes the response.</summary>
    public Task<HttpResponseMessage> OpenWatchAsync(ResourceQuery query, string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken) =>
        SendAsync(query, query.WatchPath(resourceVersion, timeoutSeconds), "watch", cancellationToken);

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> SendAsync(ResourceQuery query, string pathAndQuery, string verb, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUri, pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            // A redirect followed to another server is not the API server: nothing it says is trusted.
            if (response.RequestMessage?.RequestUri is { } answered && !string.Equals(answered.GetLeftPart(UriPartial.Authority), Server, StringComparison.OrdinalIgnoreCase))
            {
                throw new KubernetesApiException((int)response.StatusCode, $"The {verb} of {query.Description} was redirected away from {Server}; refused.");
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            var body = await ReadCappedAsync(response.Content, MaxErrorBody, cancellationToken).ConfigureAwait(false);
            var (code, reason) = body is null ? (null, null) : KubernetesJson.TryParseStatus(body.Value);
            var status = (int)response.StatusCode;
            var message = response.StatusCode switch
            {
                HttpStatusCode.Forbidden => AccessDeniedMessage.For(query, verb, reason),
                HttpStatusCode.Unauthorized => $"The API server {Server} did not accept the credentials (401 Unauthorized) to {verb} {query.Description}: check the service account token or the kubeconfig user.",
                HttpStatusCode.Gone => $"The resourceVersion to {verb} {query.Description} from is too old (410 Gone{(reason is null ? "" : ", reason " + reason)}); listing again.",
                _ => $"The API server {Server} answered {status.ToString(CultureInfo.InvariantCulture)} ({reason ?? response.ReasonPhrase ?? "no reason"}) to {verb} {query.Description}.",
            };
            throw new KubernetesApiException(code is 410 ? 410 : status, message) { RetryAfter = RetryAfter(response) };
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero ? delta : null;

    /// <summary>Reads the whole content, or returns <see langword="null"/> when it is longer than <paramref name="max"/> bytes.</summary>
    internal static async Task<ReadOnlyMemory<byte>?> ReadCappedAsync(HttpContent content, long max, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length && length > max)
        {
            return null;
        }

        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            }

            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }
    }
}

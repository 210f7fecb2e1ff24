using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SecretRotation.Testing.Tests;

/// <summary>Raw HTTP to a <see cref="KubernetesEmulator"/>: a request with a bearer token, the status and the JSON answer.</summary>
internal sealed class KubernetesWire : IDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationToken _cancellationToken;

    public KubernetesWire(KubernetesEmulator emulator, CancellationToken cancellationToken)
    {
        _client = new HttpClient(emulator.CreateTrustingHandler()) { BaseAddress = emulator.Address, Timeout = Timeout.InfiniteTimeSpan };
        _cancellationToken = cancellationToken;
    }

    public Task<Reply> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token, body: null);

    public Task<Reply> PostAsync(string path, string? token, string body) => SendAsync(HttpMethod.Post, path, token, body);

    public Task<Reply> PutAsync(string path, string? token, string body) => SendAsync(HttpMethod.Put, path, token, body);

    public Task<Reply> DeleteAsync(string path, string? token) => SendAsync(HttpMethod.Delete, path, token, body: null);

    public Task<Reply> PatchAsync(string path, string? token, string body, string contentType = "application/merge-patch+json") =>
        SendAsync(HttpMethod.Patch, path, token, body, contentType);

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? token, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await _client.SendAsync(request, _cancellationToken);
        var text = await response.Content.ReadAsStringAsync(_cancellationToken);
        return new Reply(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    /// <summary>Opens a watch stream and returns once its headers arrived.</summary>
    public async Task<WatchStream> WatchAsync(string pathAndQuery, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cancellationToken);
        return new WatchStream(request, response, await response.Content.ReadAsStreamAsync(_cancellationToken), _cancellationToken);
    }

    public void Dispose() => _client.Dispose();

    internal sealed record Reply(HttpStatusCode Status, JsonElement Json, string Text)
    {
        /// <summary>Asserts a Status object: kind, apiVersion, status Failure, code, reason and message.</summary>
        public void AssertStatus(HttpStatusCode code, string reason, string message)
        {
            Assert.Equal(code, Status);
            Assert.Equal("Status", Json.GetProperty("kind").GetString());
            Assert.Equal("v1", Json.GetProperty("apiVersion").GetString());
            Assert.Equal("Failure", Json.GetProperty("status").GetString());
            Assert.Equal((int)code, Json.GetProperty("code").GetInt32());
            Assert.Equal(reason, Json.GetProperty("reason").GetString());
            Assert.Equal(message, Json.GetProperty("message").GetString());
        }
    }

    /// <summary>A watch response read line by line: one JSON event per line.</summary>
    internal sealed class WatchStream(HttpRequestMessage request, HttpResponseMessage response, Stream body, CancellationToken cancellationToken) : IDisposable
    {
        private readonly StreamReader _reader = new(body, Encoding.UTF8);

        public HttpStatusCode Status => response.StatusCode;

        public string? ContentType => response.Content.Headers.ContentType?.MediaType;

        /// <summary>The next event, or <see langword="null"/> when the server ended the stream.</summary>
        public async Task<JsonElement?> NextAsync()
        {
            var line = await _reader.ReadLineAsync(cancellationToken);
            return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
        }

        public void Dispose()
        {
            _reader.Dispose();
            response.Dispose();
            request.Dispose();
        }
    }
}

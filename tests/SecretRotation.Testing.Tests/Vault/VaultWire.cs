using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>A raw HTTP client for the emulator's <c>/v1/</c> API: no Vault client library, only bytes and <see cref="JsonDocument"/>.</summary>
internal sealed class VaultWire : IDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationToken _timeout;

    public VaultWire(VaultEmulator emulator, CancellationToken timeout)
        : this(emulator, emulator.CreateTrustingHandler(), timeout)
    {
    }

    /// <summary>Over <paramref name="handler"/> (owned by the wire), e.g. the emulator's in-memory one.</summary>
    public VaultWire(VaultEmulator emulator, HttpMessageHandler handler, CancellationToken timeout)
    {
        _http = new HttpClient(handler) { BaseAddress = new Uri(emulator.Address, "v1/"), Timeout = Signal.Timeout };
        _timeout = timeout;
    }

    public Task<VaultReply> GetAsync(string path, string? token) => SendAsync("GET", path, token);

    public Task<VaultReply> PostAsync(string path, string? token, string json) => SendAsync("POST", path, token, json);

    public Task<VaultReply> PutAsync(string path, string? token, string json) => SendAsync("PUT", path, token, json);

    public Task<VaultReply> ListAsync(string path, string? token) => SendAsync("LIST", path, token);

    public Task<VaultReply> DeleteAsync(string path, string? token) => SendAsync("DELETE", path, token);

    public async Task<VaultReply> SendAsync(
        string method, string path, string? token, string? json = null, string contentType = "application/json", Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        headers?.Invoke(request.Headers);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _http.SendAsync(request, _timeout);
        var body = await response.Content.ReadAsStringAsync(_timeout);
        return new VaultReply(
            response.StatusCode,
            body,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.Delta);
    }

    public void Dispose() => _http.Dispose();
}

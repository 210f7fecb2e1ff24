using System.Net;
using System.Text;

namespace SecretRotation.Testing.Tests;

/// <summary>
/// An in-memory webhook: records every request and answers with what the test says, or by default completes both handshakes
/// (echoes the validation code, consents to any origin) and accepts every delivery with 200.
/// </summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage?>> _answer;
    private readonly SemaphoreSlim _arrived = new(0);

    public RecordingHandler()
        : this((_, _) => Task.FromResult<HttpResponseMessage?>(null))
    {
    }

    /// <param name="answer">The answer to a request, or <see langword="null"/> for the default one.</param>
    public RecordingHandler(Func<RecordedRequest, HttpResponseMessage?> answer)
        : this((request, _) => Task.FromResult(answer(request)))
    {
    }

    public RecordingHandler(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage?>> answer) => _answer = answer;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<RecordedRequest> Notifications => [.. Requests.Where(request => request.IsNotification)];

    /// <summary>Waits until <paramref name="count"/> requests have arrived in all.</summary>
    public async Task WaitForRequestsAsync(int count, CancellationToken cancellationToken)
    {
        while (Requests.Count < count)
        {
            await _arrived.WaitAsync(cancellationToken);
        }
    }

    public static HttpResponseMessage DefaultAnswer(RecordedRequest request)
    {
        if (request.Method == "OPTIONS")
        {
            return Consent("*");
        }

        return request.IsValidation
            ? Json(200, $$"""{"validationResponse":"{{request.ValidationCode}}"}""")
            : Status(200);
    }

    public static HttpResponseMessage Status(int status) => new((HttpStatusCode)status);

    public static HttpResponseMessage Json(int status, string json) =>
        new((HttpStatusCode)status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Consent(string? allowedOrigin, string? allowedRate = null, int status = 200)
    {
        var response = Status(status);
        if (allowedOrigin is not null)
        {
            response.Headers.Add("WebHook-Allowed-Origin", allowedOrigin);
        }

        if (allowedRate is not null)
        {
            response.Headers.Add("WebHook-Allowed-Rate", allowedRate);
        }

        response.Content.Headers.Allow.Add("POST");
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var recorded = await RecordedRequest.CaptureAsync(request, cancellationToken);
        lock (_gate)
        {
            _requests.Add(recorded);
        }

        _arrived.Release();
        return await _answer(recorded, cancellationToken) ?? DefaultAnswer(recorded);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _arrived.Dispose();
        }

        base.Dispose(disposing);
    }
}

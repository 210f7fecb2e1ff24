using System.Collections.Concurrent;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>An in-memory handler: records each request (with its body) and answers with a script.</summary>
internal sealed class ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly ConcurrentQueue<(HttpRequestMessage Request, string Body)> _requests = new();

    public IReadOnlyList<(HttpRequestMessage Request, string Body)> Requests => _requests.ToArray();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Enqueue((request, body));
        return respond(request, _requests.Count - 1);
    }
}

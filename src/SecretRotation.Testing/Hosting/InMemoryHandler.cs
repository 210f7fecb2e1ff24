using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SecretRotation.Testing;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that hands each request straight to an emulator's request delegate, in process: no
/// socket, no TLS, no Kestrel. For simulations of thousands of clients where sockets would be the bottleneck; the emulator
/// answers exactly as it does over the loopback host (same delegate).
/// </summary>
internal sealed class InMemoryHandler(RequestDelegate handle, Func<bool> isDisposed) : HttpMessageHandler
{
    /// <summary>Request bodies larger than this are refused, as a server's body limit would.</summary>
    private const int MaxRequestBody = 4 * 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (isDisposed())
        {
            throw new HttpRequestException("The emulator has been disposed.", null, HttpStatusCode.ServiceUnavailable);
        }

        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var context = new DefaultHttpContext();
        var incoming = context.Request;
        incoming.Method = request.Method.Method;
        incoming.Scheme = uri.Scheme;
        incoming.Host = new HostString(uri.Authority);
        incoming.Path = PathString.FromUriComponent(uri);
        incoming.QueryString = QueryString.FromUriComponent(uri);
        foreach (var header in request.Headers)
        {
            incoming.Headers.Append(header.Key, header.Value.ToArray());
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                incoming.Headers.Append(header.Key, header.Value.ToArray());
            }

            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            if (body.Length > MaxRequestBody)
            {
                throw new HttpRequestException($"The request body is larger than {MaxRequestBody} bytes.");
            }

            incoming.Body = new MemoryStream(body, writable: false);
            incoming.ContentLength = body.Length;
        }

        var responseBody = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        context.RequestAborted = cancellationToken;
        await handle(context);
        cancellationToken.ThrowIfCancellationRequested();

        var response = new HttpResponseMessage((HttpStatusCode)context.Response.StatusCode)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(responseBody.ToArray()),
        };
        foreach (var header in context.Response.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
            {
                response.Content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        if (context.Response.ContentType is { } contentType)
        {
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return response;
    }
}

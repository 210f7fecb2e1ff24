namespace SecretRotation.Cli.Tests;

/// <summary>Forwards requests, and runs <c>beforeSend</c> first for each one (to race a write, or to look at what is sent).</summary>
internal sealed class InterceptingHandler(HttpMessageHandler inner, Func<HttpRequestMessage, Task> beforeSend) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await beforeSend(request);
        return await base.SendAsync(request, cancellationToken);
    }
}

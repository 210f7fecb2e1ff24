namespace SecretRotation.VaultMirror.Tests;

/// <summary>Runs <see cref="BeforeSend"/> before each Vault request goes out, e.g. to have someone else write first.</summary>
internal sealed class InterceptingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public Action<HttpRequestMessage>? BeforeSend { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        BeforeSend?.Invoke(request);
        return base.SendAsync(request, cancellationToken);
    }
}

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// One replica's handle on the shared in-memory transport: the Vault source disposes the handler it is given, and disposing
/// this one leaves the shared handler to the other replicas.
/// </summary>
internal sealed class VaultFleetSharedHandler(HttpMessageHandler shared) : HttpMessageHandler
{
    private readonly HttpMessageInvoker _invoker = new(shared, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _invoker.Dispose();
        }

        base.Dispose(disposing);
    }
}

using SecretRotation.RotatingClients;

namespace SecretRotation;

/// <summary>
/// A lease on one instance of a rotating client (<see cref="IRotatingClient{TClient}.Lease"/>): the instance is not disposed
/// while the lease is held, until the drain timeout after a swap has passed. Dispose it once, when the work that uses the
/// client ends; disposing it again does nothing.
/// </summary>
/// <typeparam name="TClient">The client type.</typeparam>
public readonly struct RotatingClientLease<TClient> : IDisposable
    where TClient : class
{
    private readonly LeaseToken? _token;

    internal RotatingClientLease(TClient client, long generation, LeaseToken token)
    {
        Client = client;
        Generation = generation;
        _token = token;
    }

    /// <summary>The leased instance.</summary>
    public TClient Client { get; }

    /// <summary>The generation of the leased instance (1 for the first build, +1 per rebuild).</summary>
    public long Generation { get; }

    /// <summary>Ends the lease. The last lease on a replaced instance ending lets it be disposed.</summary>
    public void Dispose() => _token?.Release();
}

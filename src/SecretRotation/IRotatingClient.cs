namespace SecretRotation;

/// <summary>
/// A long-lived client built from configuration and rebuilt when the keys it depends on change. Registered by
/// <c>services.AddRotatingClient&lt;TClient&gt;(section, factory)</c>.
/// </summary>
/// <typeparam name="TClient">The client type, e.g. a data source, a connection multiplexer or an SDK client.</typeparam>
/// <remarks>
/// A rebuild runs when a value at or under the watched section (or <see cref="RotatingClientOptions.AlsoWatch"/>) changed
/// by value. A factory that throws keeps the current instance; the rebuild is retried with exponential backoff. A replaced
/// instance that implements <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/> is disposed when its last lease
/// ends (and not sooner than one second after the swap, or <see cref="RotatingClientOptions.DrainTimeout"/> if shorter),
/// or when <see cref="RotatingClientOptions.DrainTimeout"/> has passed, whichever comes first.
/// </remarks>
public interface IRotatingClient<TClient>
    where TClient : class
{
    /// <summary>
    /// The instance built from the current secrets. Safe to use briefly without a lease: a replaced instance is disposed only
    /// when no lease holds it and not before one second after the swap (or <see cref="RotatingClientOptions.DrainTimeout"/>
    /// if shorter), and at the latest <see cref="RotatingClientOptions.DrainTimeout"/> after the swap. Work that may take
    /// longer (a query, a request) should hold a <see cref="Lease"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The service provider that owns it was disposed.</exception>
    TClient Current { get; }

    /// <summary>
    /// 1 for the first build, +1 per successful rebuild.
    /// </summary>
    long Generation { get; }

    /// <summary>
    /// Takes a ref-counted lease on the current instance: it is not disposed while the lease is held (until
    /// <see cref="RotatingClientOptions.DrainTimeout"/> after a swap has passed). Dispose the lease once, when the work ends.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The service provider that owns it was disposed.</exception>
    RotatingClientLease<TClient> Lease();
}

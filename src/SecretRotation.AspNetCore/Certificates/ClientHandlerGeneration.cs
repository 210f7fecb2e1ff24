namespace SecretRotation.AspNetCore.Certificates;

/// <summary>
/// One <see cref="SocketsHttpHandler"/> built for one certificate generation, with a count of the requests using it. Once
/// retired it is disposed when the count reaches zero, or by the drain timer.
/// </summary>
internal sealed class ClientHandlerGeneration(SocketsHttpHandler handler, long certificateGeneration)
{
    private int _leases;
    private int _retired;
    private int _disposed;

    public HttpMessageInvoker Invoker { get; } = new(handler, disposeHandler: true);

    public long CertificateGeneration { get; } = certificateGeneration;

    public int Leases => Volatile.Read(ref _leases);

    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public ITimer? DrainTimer { get; set; }

    /// <summary>Takes a lease unless the generation was retired meanwhile (then the caller takes the new one).</summary>
    public bool TryAcquire()
    {
        Interlocked.Increment(ref _leases);
        if (IsRetired)
        {
            Release();
            return false;
        }

        return true;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && IsRetired)
        {
            Dispose();
        }
    }

    /// <summary>No new leases; disposed at once when none is held.</summary>
    public void Retire()
    {
        Volatile.Write(ref _retired, 1);
        if (Leases == 0)
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            DrainTimer?.Dispose();
            Invoker.Dispose();
        }
    }
}

namespace SecretRotation.RotatingClients;

/// <summary>
/// One built instance of a rotating client and its reference count: one reference for being current (kept for a short
/// grace after it is replaced, so a caller of <c>Current</c> can finish), plus one per lease. When the count reaches zero
/// after the swap, or the drain timeout passes, the retired callback is called exactly once.
/// </summary>
internal sealed class ClientInstance
{
    /// <summary>The count once the instance is closed: far below zero, so late releases never bring it back to zero.</summary>
    private const int Closed = int.MinValue / 2;

    private readonly Action<ClientInstance, int> _retired;
    private int _references = 1;
    private int _currentReferenceReleased;
    private int _retiredOnce;
    private ITimer? _graceTimer;
    private ITimer? _drainTimer;

    /// <param name="client">The built client.</param>
    /// <param name="generation">1 for the first build, +1 per rebuild.</param>
    /// <param name="retired">Called once with the instance and the number of leases still held (0 when it drained).</param>
    public ClientInstance(object client, long generation, Action<ClientInstance, int> retired)
    {
        Client = client;
        Generation = generation;
        _retired = retired;
    }

    public object Client { get; }

    public long Generation { get; }

    /// <summary>Leases held now (0 once closed).</summary>
    public int Leases
    {
        get
        {
            var references = Volatile.Read(ref _references);
            return references <= 0 ? 0 : Math.Max(0, references - (Volatile.Read(ref _currentReferenceReleased) == 0 ? 1 : 0));
        }
    }

    /// <summary>Adds a reference unless the instance has drained or been closed.</summary>
    public bool TryAcquire()
    {
        var references = Volatile.Read(ref _references);
        while (references > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references)
            {
                return true;
            }

            references = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Retire(0);
        }
    }

    /// <summary>Called when the instance was replaced: after <paramref name="grace"/> it only lives on through leases; after <paramref name="drainTimeout"/> it is closed.</summary>
    public void StartRetiring(TimeProvider time, TimeSpan grace, TimeSpan drainTimeout)
    {
        if (drainTimeout == TimeSpan.Zero)
        {
            DrainTimedOut();
            return;
        }

        if (drainTimeout != Timeout.InfiniteTimeSpan)
        {
            _drainTimer = time.CreateTimer(static state => ((ClientInstance)state!).DrainTimedOut(), this, drainTimeout, Timeout.InfiniteTimeSpan);
        }

        if (grace <= TimeSpan.Zero)
        {
            ReleaseCurrentReference();
        }
        else
        {
            _graceTimer = time.CreateTimer(static state => ((ClientInstance)state!).ReleaseCurrentReference(), this, grace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Closes the instance now, whatever leases it has; returns whether the caller must dispose it (and how many leases were still held).</summary>
    public bool TryClose(out int leasesLeft)
    {
        var hadCurrentReference = Interlocked.Exchange(ref _currentReferenceReleased, 1) == 0;
        var references = Interlocked.Exchange(ref _references, Closed);
        leasesLeft = references <= 0 ? 0 : Math.Max(0, references - (hadCurrentReference ? 1 : 0));
        if (Interlocked.Exchange(ref _retiredOnce, 1) != 0)
        {
            return false;
        }

        StopTimers();
        return true;
    }

    public override string ToString() => $"ClientInstance {{ Generation = {Generation}, Leases = {Leases} }}";

    private void ReleaseCurrentReference()
    {
        if (Interlocked.Exchange(ref _currentReferenceReleased, 1) == 0)
        {
            Release();
        }
    }

    private void DrainTimedOut()
    {
        if (TryClose(out var leasesLeft))
        {
            _retired(this, leasesLeft);
        }
    }

    private void Retire(int leasesLeft)
    {
        if (Interlocked.Exchange(ref _retiredOnce, 1) == 0)
        {
            StopTimers();
            _retired(this, leasesLeft);
        }
    }

    private void StopTimers()
    {
        _graceTimer?.Dispose();
        _drainTimer?.Dispose();
    }
}

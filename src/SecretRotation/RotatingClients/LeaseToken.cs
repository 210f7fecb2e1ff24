namespace SecretRotation.RotatingClients;

/// <summary>One lease on a <see cref="ClientInstance"/>; releases its reference once, however often it is disposed.</summary>
internal sealed class LeaseToken(ClientInstance instance)
{
    private int _released;

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            instance.Release();
        }
    }
}

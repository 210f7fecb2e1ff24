namespace SecretRotation.Testing;

/// <summary>The requests a <see cref="VaultEmulator"/> answered, in the order their answers were decided. Thread-safe.</summary>
internal sealed class VaultRequestLog
{
    private readonly Lock _gate = new();
    private readonly List<VaultRequest> _requests = [];

    public void Add(VaultRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    public VaultRequest[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }
}

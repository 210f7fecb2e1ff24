namespace SecretRotation.Testing;

/// <summary>The requests an emulator answered, in the order their answers were decided. Thread-safe.</summary>
internal sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<KeyVaultRequest> _requests = [];

    public void Add(KeyVaultRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    public KeyVaultRequest[] Snapshot()
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

namespace SecretRotation.Testing;

/// <summary>The requests an emulator answered, in the order their answers were decided. Thread-safe.</summary>
/// <typeparam name="TRequest">The emulator's public request record.</typeparam>
internal sealed class RequestLog<TRequest>
{
    private readonly Lock _gate = new();
    private readonly List<TRequest> _requests = [];

    public void Add(TRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    public TRequest[] Snapshot()
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

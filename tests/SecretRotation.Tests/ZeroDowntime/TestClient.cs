namespace SecretRotation.Tests.ZeroDowntime;

/// <summary>A client built from a password, that knows whether it was disposed and throws if used afterwards.</summary>
public sealed class TestClient(string? password, long build) : IDisposable
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposeCount;

    public string? Password { get; } = password;

    /// <summary>The factory call that built it (1-based).</summary>
    public long Build { get; } = build;

    public int DisposeCount => Volatile.Read(ref _disposeCount);

    public bool IsDisposed => DisposeCount > 0;

    public Task Disposed => _disposed.Task;

    /// <exception cref="ObjectDisposedException">Used after it was disposed.</exception>
    public void Use() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    public void Dispose()
    {
        Interlocked.Increment(ref _disposeCount);
        _disposed.TrySetResult();
    }

    public override string ToString() => $"TestClient #{Build}";
}

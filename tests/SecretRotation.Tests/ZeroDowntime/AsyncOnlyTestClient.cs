namespace SecretRotation.Tests.ZeroDowntime;

/// <summary>A client that is only <see cref="IAsyncDisposable"/>.</summary>
public sealed class AsyncOnlyTestClient : IAsyncDisposable
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Disposed => _disposed.Task;

    public ValueTask DisposeAsync()
    {
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}

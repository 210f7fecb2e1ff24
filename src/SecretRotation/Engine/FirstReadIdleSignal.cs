namespace SecretRotation.Engine;

/// <summary>
/// When a provider whose loop has not started yet has nothing to do until its clock moves: its first read is parked in the
/// start-up throttle wait (whose timer exists), or <c>Load</c> has ended. Also owns that wait. Tests and the fleet benchmark
/// move a fake clock only then.
/// </summary>
/// <remarks>
/// Guards its state with its own lock, taken inside the provider's, never the other way; it completes waiters whose
/// continuations run asynchronously, so it never runs their code while holding it.
/// </remarks>
internal sealed class FirstReadIdleSignal
{
    private readonly Lock _lock = new();
    private readonly List<TaskCompletionSource> _waiters = [];
    private Task? _parked;
    private bool _loadEnded;

    /// <summary>A <c>Load</c> begins: nothing is idle until its first read ends or parks.</summary>
    public void LoadBegins()
    {
        lock (_lock)
        {
            _loadEnded = false;
        }
    }

    /// <summary>The <c>Load</c> ended (its first read done, failed or cancelled): whoever waits is released.</summary>
    public void LoadEnded()
    {
        lock (_lock)
        {
            _loadEnded = true;
            ReleaseLocked();
        }
    }

    /// <summary>Releases whoever waits (the provider is being disposed).</summary>
    public void Release()
    {
        lock (_lock)
        {
            ReleaseLocked();
        }
    }

    /// <summary>Completes once the first read is parked in the throttle wait or the <c>Load</c> has ended.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            // A fired timer whose continuation has not run yet does not count as waiting.
            if (_loadEnded || _parked is { IsCompleted: false })
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(waiter);
            return waiter.Task;
        }
    }

    /// <summary>Parks the first read for <paramref name="delay"/> on <paramref name="time"/>; <paramref name="stopping"/> ends the wait at once.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="stopping"/> was cancelled.</exception>
    public void Park(TimeSpan delay, TimeProvider time, CancellationToken stopping)
    {
        // Whole milliseconds, rounded up, as the loop's timer waits (a sub-millisecond rest would wake it early).
        var wait = Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds)), time, stopping);
        lock (_lock)
        {
            // The timer exists now, so a test may move the fake clock.
            _parked = wait;
            ReleaseLocked();
        }

        try
        {
            // No continuation runs on the caller's context: blocking here is as safe as blocking on the first read.
            wait.GetAwaiter().GetResult();
        }
        finally
        {
            lock (_lock)
            {
                _parked = null;
            }
        }
    }

    private void ReleaseLocked()
    {
        RefreshQueue.Complete(_waiters);
        _waiters.Clear();
    }
}

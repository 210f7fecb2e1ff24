namespace SecretRotation.Engine;

/// <summary>
/// The refresh loop's queue and signals: the <see cref="PendingRefresh"/> requests, the loop's <see cref="RefreshSchedule"/>,
/// the wake-up of a waiting loop, the loop's timer wait and the idle waiters of <see cref="WhenIdleAsync"/>.
/// </summary>
/// <remarks>
/// Owns its state under its own lock (<c>_lock</c>): the pending requests, the schedule (changed by the loop's reads and by
/// push receivers' health reports, on any thread), the wake signal, the idle waiters, the current timer and the waiting and
/// closed flags. It never calls out while holding it, except to complete
/// <see cref="TaskCompletionSource"/>s whose continuations run asynchronously, and it never takes the provider's lock,
/// so the provider may call it while holding its own.
/// </remarks>
internal sealed class RefreshQueue
{
    /// <summary>Task.Delay cannot wait longer than about 49 days; the loop re-checks at least daily.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private readonly object _owner;
    private readonly TimeProvider _time;
    private readonly RefreshSchedule _schedule;
    private readonly PendingRefresh _pending = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private TaskCompletionSource? _wake;
    private Task? _currentTimer;
    private bool _isWaiting;
    private bool _closed;

    /// <param name="owner">The object named by the <see cref="ObjectDisposedException"/> of a request after <see cref="Close"/>.</param>
    /// <param name="time">The clock of the timer waits and the watcher-event timestamps.</param>
    /// <param name="schedule">The loop's clock logic; only this queue touches it, under its lock.</param>
    public RefreshQueue(object owner, TimeProvider time, RefreshSchedule schedule)
    {
        _owner = owner;
        _time = time;
        _schedule = schedule;
    }

    public static void Complete(IReadOnlyList<TaskCompletionSource> waiters, Exception? exception = null)
    {
        foreach (var waiter in waiters)
        {
            _ = exception is null ? waiter.TrySetResult() : waiter.TrySetException(exception);
        }
    }

    /// <summary>Queues a request with a waiter that completes when a read that includes it ends.</summary>
    /// <param name="add">Adds the request; it gets the schedule, the current timestamp and the waiter.</param>
    /// <exception cref="ObjectDisposedException">The queue is closed.</exception>
    public Task Request(Action<PendingRefresh, RefreshSchedule, long, TaskCompletionSource> add)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, _owner);
            add(_pending, _schedule, _time.GetTimestamp(), waiter);
            WakeLocked();
        }

        return waiter.Task;
    }

    /// <summary>Queues a request nobody waits for (a second <c>Load</c>); ignored once closed.</summary>
    public void Add(RefreshTriggers triggers)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _pending.Add(triggers, waiter: null);
                WakeLocked();
            }
        }
    }

    /// <summary>Records a watcher event now; ignored once closed.</summary>
    /// <param name="complete">Whether the event completes a change (nothing more of it is coming): read without the debounce.</param>
    public void AddWatcherEvent(bool complete)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _pending.AddWatcherEvent(_time.GetTimestamp(), complete);
                WakeLocked();
            }
        }
    }

    /// <summary>
    /// The loop's next step: the requests to read now (with the ones the schedule finds due), or, when nothing is due, an
    /// armed wake signal and how long to wait for the next due time; <see langword="null"/> once closed.
    /// </summary>
    public (RefreshTriggers Triggers, IReadOnlyList<SecretChangeNotice> Notices, IReadOnlyList<TaskCompletionSource> Waiters, Task Wake, TimeSpan? Delay)? Next()
    {
        lock (_lock)
        {
            _isWaiting = false;
            if (_closed)
            {
                return null;
            }

            var now = _time.GetTimestamp();
            var due = _schedule.NextDue(now, _pending.IsUrgent, _pending.FirstWatcherEvent, _pending.LastWatcherEvent, _pending.NoticeDue);
            if (due is { } dueTime && dueTime <= now)
            {
                _pending.Add(_schedule.TakeDue(now), waiter: null);
                var (triggers, notices, waiters) = _pending.Take();
                return (triggers, notices, waiters, Task.CompletedTask, null);
            }

            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (RefreshTriggers.None, [], [], _wake.Task, due is { } later ? _time.GetElapsedTime(now, later) : null);
        }
    }

    /// <summary>Waits for <paramref name="wake"/> or the timer of <paramref name="delay"/> (none: no timeout), whichever first.</summary>
    public async Task WaitAsync(Task wake, TimeSpan? delay, CancellationToken stopping)
    {
        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // Whole milliseconds, rounded up: timers truncate a sub-millisecond rest to zero and would wake the loop early, again and again.
        var timer = delay is { } wait
            ? Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling((wait < LongestWait ? wait : LongestWait).TotalMilliseconds)), _time, cancelDelay.Token)
            : Task.Delay(Timeout.InfiniteTimeSpan, _time, cancelDelay.Token);
        lock (_lock)
        {
            // The timer exists now, so a test may move the fake clock.
            _currentTimer = timer;
            _isWaiting = !wake.IsCompleted;
            if (_isWaiting)
            {
                ReleaseIdleWaitersLocked();
            }
        }

        await Task.WhenAny(wake, timer);
        await cancelDelay.CancelAsync();
    }

    /// <summary>Records a successful read on the schedule (see <see cref="RefreshSchedule.OnSuccess"/>).</summary>
    public void OnSuccess(RefreshTriggers triggers, long now, DateTimeOffset wallNow, DateTimeOffset? earliestRefreshBy)
    {
        lock (_lock)
        {
            _schedule.OnSuccess(triggers, now, wallNow, earliestRefreshBy);
        }
    }

    /// <summary>Records a failed read on the schedule; returns the retry delay (see <see cref="RefreshSchedule.OnFailure"/>).</summary>
    public TimeSpan OnFailure(int consecutiveFailures, TimeSpan? retryAfter)
    {
        lock (_lock)
        {
            return _schedule.OnFailure(consecutiveFailures, retryAfter, _time.GetTimestamp());
        }
    }

    /// <summary>Records a sign of push health on the schedule and wakes the loop, whose next poll may have moved.</summary>
    public void OnPushHealth(bool healthy)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _schedule.OnPushHealth(healthy, _time.GetTimestamp());
                WakeLocked();
            }
        }
    }

    /// <summary>Completes once the loop waits for its timer or a new request (so its timer exists), or the queue is closed.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            // A fired timer whose continuation has not run yet does not count as waiting.
            if ((_isWaiting && _currentTimer is { IsCompleted: false }) || _closed)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task;
        }
    }

    /// <summary>Closes the queue: wakes the loop (which then ends), releases the idle waiters.</summary>
    /// <returns>The waiters of the requests still queued, for the caller to fail.</returns>
    public IReadOnlyList<TaskCompletionSource> Close()
    {
        lock (_lock)
        {
            _closed = true;
            WakeLocked();
            var waiters = _pending.Take().Waiters;
            ReleaseIdleWaitersLocked();
            return waiters;
        }
    }

    private void WakeLocked()
    {
        _isWaiting = false;
        _wake?.TrySetResult();
    }

    private void ReleaseIdleWaitersLocked()
    {
        Complete(_idleWaiters);
        _idleWaiters.Clear();
    }
}

namespace SecretRotation.Engine;

/// <summary>
/// Refresh requests that arrived while the loop was busy or waiting, coalesced into one read.
/// Not thread-safe: <see cref="RefreshQueue"/> guards it with its lock.
/// </summary>
internal sealed class PendingRefresh
{
    private readonly List<SecretChangeNotice> _notices = [];
    private readonly List<TaskCompletionSource> _waiters = [];

    public RefreshTriggers Triggers { get; private set; }

    /// <summary>When the first watcher event of the current burst arrived, as a <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long? FirstWatcherEvent { get; private set; }

    /// <summary>When the latest watcher event arrived (a timestamp); the read waits for a quiet window after it.</summary>
    public long? LastWatcherEvent { get; private set; }

    /// <summary>Whether a watcher event that completes a change (the kubelet's <c>..data</c> rename) is waiting.</summary>
    public bool HasCompleteChange { get; private set; }

    /// <summary>When waiting change notices are to be read (spread over the fleet window), or <see langword="null"/> for at once.</summary>
    public long? NoticeDue { get; private set; }

    /// <summary>
    /// True when a request other than a watcher event or a spread-out change notice is waiting, or a watcher event that
    /// completes a change, so the read should start now.
    /// </summary>
    public bool IsUrgent =>
        (Triggers & ~(RefreshTriggers.Watcher | (NoticeDue is null ? RefreshTriggers.None : RefreshTriggers.ChangeNotice))) != RefreshTriggers.None
        || HasCompleteChange;

    public bool IsEmpty => Triggers == RefreshTriggers.None;

    /// <param name="timestamp">When the event arrived.</param>
    /// <param name="complete">Whether the event completes a change (nothing more of it is coming): no debounce.</param>
    public void AddWatcherEvent(long timestamp, bool complete = false)
    {
        Triggers |= RefreshTriggers.Watcher;
        HasCompleteChange |= complete;
        FirstWatcherEvent ??= timestamp;
        LastWatcherEvent = timestamp;
    }

    public void Add(RefreshTriggers triggers, TaskCompletionSource? waiter)
    {
        Triggers |= triggers;
        if (waiter is not null)
        {
            _waiters.Add(waiter);
        }
    }

    /// <param name="notice">The notice.</param>
    /// <param name="waiter">Completed when the read is made.</param>
    /// <param name="due">When to read it (a spread over the fleet window), or <see langword="null"/> for at once. Notices that
    /// arrive while others wait are read together, at the earliest time any of them asked for.</param>
    public void AddNotice(SecretChangeNotice notice, TaskCompletionSource waiter, long? due = null)
    {
        var first = (Triggers & RefreshTriggers.ChangeNotice) == RefreshTriggers.None;
        NoticeDue = first ? due : due is null || NoticeDue is null ? null : Math.Min(due.Value, NoticeDue.Value);
        Triggers |= RefreshTriggers.ChangeNotice;
        if (!_notices.Contains(notice))
        {
            _notices.Add(notice);
        }

        _waiters.Add(waiter);
    }

    /// <summary>Takes everything waiting, leaving this empty. A full refresh absorbs the notices.</summary>
    public (RefreshTriggers Triggers, IReadOnlyList<SecretChangeNotice> Notices, IReadOnlyList<TaskCompletionSource> Waiters) Take()
    {
        var triggers = Triggers;
        IReadOnlyList<SecretChangeNotice> notices = triggers == RefreshTriggers.ChangeNotice ? _notices.ToArray() : [];
        var waiters = _waiters.ToArray();
        _notices.Clear();
        _waiters.Clear();
        Triggers = RefreshTriggers.None;
        FirstWatcherEvent = null;
        LastWatcherEvent = null;
        HasCompleteChange = false;
        NoticeDue = null;
        return (triggers, notices, waiters);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.Diagnostics;

namespace SecretRotation.Engine;

/// <summary>
/// The reload engine: owns one <see cref="ISecretSource"/>, its watcher, its clock and one refresh loop. Swaps
/// <see cref="ConfigurationProvider.Data"/> and fires the reload token only when a value really changed; keeps the last
/// good data when a read fails.
/// </summary>
internal sealed class SecretConfigurationProvider : ConfigurationProvider, ISecretRefresher, IDisposable
{
    /// <summary>A burst of watcher events is never held back longer than this, even if events keep coming.</summary>
    private static readonly TimeSpan MinimumDebounceCap = TimeSpan.FromMilliseconds(200);

    /// <summary>Task.Delay cannot wait longer than about 49 days; the loop re-checks at least daily.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    /// <summary>Nothing is scheduled further ahead than this (a lease of a century is read again within a year), so timestamps cannot overflow.</summary>
    private static readonly TimeSpan LongestSchedule = TimeSpan.FromDays(365);

    private readonly ISecretSource _source;
    private readonly RefreshSettings _settings;
    private readonly TimeProvider _time;
    private readonly bool _hasExplicitLoggerFactory;
    private readonly Lock _gate = new();
    private readonly PendingRefresh _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    // Key -> the version warned about, only for loaded keys: bounded by the key count, however many versions come and go.
    private readonly Dictionary<string, string?> _expiryWarned = new(StringComparer.OrdinalIgnoreCase);

    private volatile ILogger _logger;
    private SecretSet _current = SecretSet.Empty;
    private IDisposable? _watch;
    private Task? _loop;
    private TaskCompletionSource? _wake;
    private Task? _currentTimer;
    // A read that timed out but has not finished (its source ignored the cancellation); no read starts until it ends.
    private volatile Task? _abandonedRead;
    // Three clocks, as monotonic timestamps (TimeProvider.GetTimestamp), so a jump of the wall clock moves none of them.
    // While a retry is pending it alone counts (backoff throttles); otherwise the earlier of the other two.
    private long? _nextPoll;
    private long? _nextRefreshBy;
    private long? _nextRetry;
    // The refresh-by wall time last turned into a timestamp, so a later read that returns the same time keeps the deadline
    // even if the wall clock has jumped since.
    private (DateTimeOffset WallTime, long Timestamp)? _refreshByConverted;
    private bool _loadStarted;
    private bool _loadInProgress;
    private bool _isWaiting;
    private bool _disposed;

    private bool _hasLoaded;
    private DateTimeOffset? _lastSuccess;
    private long? _lastSuccessTimestamp;
    private DateTimeOffset? _lastFailure;
    private int _consecutiveFailures;
    private string? _lastError;

    public SecretConfigurationProvider(ISecretSource source, RefreshSettings settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(settings);
        _source = source;
        _settings = settings;
        _time = settings.TimeProvider;
        _hasExplicitLoggerFactory = settings.LoggerFactory is not null;
        _logger = settings.LoggerFactory?.CreateLogger(SecretRotationDiagnostics.MeterName) ?? NullLogger.Instance;
    }

    public string SourceName => _source.Name;

    /// <summary>Completes when the refresh loop has ended (after <see cref="Dispose"/>). For tests.</summary>
    internal Task Completion => _loop ?? Task.CompletedTask;

    internal ISecretSource Source => _source;

    public SecretSourceStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new SecretSourceStatus(
                    _source.Name, _settings.Optional, _hasLoaded, _current.Count, _lastSuccess, _lastFailure, _consecutiveFailures, _lastError,
                    KeysNearExpiryLocked(_time.GetUtcNow()));
            }
        }
    }

    /// <summary>Reads the source once, synchronously; a second call (from <c>IConfigurationRoot.Reload</c>) only requests a refresh.</summary>
    public override void Load()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loadStarted)
            {
                _pending.Add(RefreshTriggers.Manual, waiter: null);
                WakeLocked();
                return;
            }

            _loadStarted = true;
            _loadInProgress = true;
        }

        // Watch before the first read, so a change that lands during the read is not missed.
        StartWatching();
        try
        {
            var request = new SecretReadRequest(SecretSet.Empty, RefreshTriggers.Initial, [], _logger);
            var set = Task.Run(() => ReadBoundedAsync(request)).GetAwaiter().GetResult();
            Apply(set, RefreshTriggers.Initial, fireReload: false);
            RecordSuccess(RefreshTriggers.Initial);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            var wrapped = Wrap(exception);
            var retryDelay = RecordFailure(wrapped);
            if (!_settings.Optional)
            {
                _watch?.Dispose();
                _watch = null;
                lock (_gate)
                {
                    // A later Load (IConfigurationRoot.Reload) tries the first read again.
                    _loadStarted = false;
                    _loadInProgress = false;
                }

                throw wrapped;
            }

            Log.OptionalSourceUnavailable(_logger, wrapped, _source.Name, retryDelay);
        }

        lock (_gate)
        {
            _loadInProgress = false;
            if (!_disposed)
            {
                SecretRotationTelemetry.Track(this);
                _loop = Task.Run(RunLoopAsync);
                return;
            }
        }

        // Disposed while the first read ran: Dispose left the watch and the source to us.
        _watch?.Dispose();
        DisposeSourceWhenNoReadRuns();
    }

    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Add(RefreshTriggers.Manual, waiter);
            WakeLocked();
        }

        await waiter.Task.WaitAsync(cancellationToken);
    }

    public async Task<bool> TryRefreshAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await RefreshAsync(cancellationToken);
            return true;
        }
        catch (SecretSourceException)
        {
            // The loop has already logged and counted the failure.
            return false;
        }
    }

    public bool HoldsSecret(SecretChangeNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return _source.HoldsSecret(notice);
    }

    public async Task<bool> RefreshAsync(SecretChangeNotice notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        // The one ownership check: only notices the source owns are queued, so its reads see no other.
        if (!_source.IsOwnNotice(notice))
        {
            return false;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.AddNotice(notice, waiter);
            WakeLocked();
        }

        await waiter.Task.WaitAsync(cancellationToken);
        return true;
    }

    private List<string> KeysNearExpiryLocked(DateTimeOffset now)
    {
        var keys = new List<string>();
        foreach (var (key, entry) in _current)
        {
            if (IsNearExpiry(entry, now))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.OrdinalIgnoreCase);
        return keys;
    }

    /// <summary>Logs once per key and version when a secret enters the expiry warning window.</summary>
    private void WarnAboutExpiry(SecretSet set)
    {
        var now = _time.GetUtcNow();
        List<(string Key, SecretEntry Entry)>? warnings = null;
        lock (_gate)
        {
            // Forget what is no longer loaded as warned (key gone, new version, expiry moved out of the window), so the
            // memory stays bounded by the loaded keys however many versions a store hands out.
            foreach (var (key, warnedVersion) in _expiryWarned)
            {
                if (!set.TryGetValue(key, out var entry) || !IsNearExpiry(entry, now)
                    || !string.Equals(entry.Version, warnedVersion, StringComparison.Ordinal))
                {
                    _expiryWarned.Remove(key);
                }
            }

            foreach (var (key, entry) in set)
            {
                if (IsNearExpiry(entry, now) && _expiryWarned.TryAdd(key, entry.Version))
                {
                    (warnings ??= []).Add((key, entry));
                }
            }
        }

        foreach (var (key, entry) in warnings ?? [])
        {
            Log.SecretNearExpiry(_logger, key, _source.Name, entry.Version ?? "(none)", entry.ExpiresOn!.Value);
        }
    }

    private bool IsNearExpiry(SecretEntry entry, DateTimeOffset now) =>
        entry.ExpiresOn is { } expiresOn && expiresOn - now <= _settings.ExpiryWarningWindow;

    /// <summary>How many key versions the expiry warnings remember. For tests.</summary>
    internal int ExpiryWarningsRemembered
    {
        get
        {
            lock (_gate)
            {
                return _expiryWarned.Count;
            }
        }
    }

    /// <summary>Uses the host's logger factory from now on, unless the source was given one explicitly.</summary>
    internal void AttachLoggerFactory(ILoggerFactory loggerFactory)
    {
        if (!_hasExplicitLoggerFactory)
        {
            _logger = loggerFactory.CreateLogger(SecretRotationDiagnostics.MeterName);
        }
    }

    internal double? SecondsSinceLastSuccess()
    {
        lock (_gate)
        {
            return _lastSuccessTimestamp is { } last ? _time.GetElapsedTime(last).TotalSeconds : null;
        }
    }

    /// <summary>
    /// Completes once the loop is blocked waiting for its timer or a new request, so its timer exists. Tests call it before
    /// moving a fake clock.
    /// </summary>
    internal Task WhenIdleAsync()
    {
        lock (_gate)
        {
            // A fired timer whose continuation has not run yet does not count as waiting.
            if ((_isWaiting && _currentTimer is { IsCompleted: false }) || _disposed || _loop is null)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task;
        }
    }

    public void Dispose()
    {
        IReadOnlyList<TaskCompletionSource> waiters;
        bool loadInProgress;
        Task? loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stopping.Cancel();
            WakeLocked();
            waiters = _pending.Take().Waiters;
            ReleaseIdleWaitersLocked();
            loadInProgress = _loadInProgress;
            loop = _loop;
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(SecretConfigurationProvider)));
        }

        SecretRotationTelemetry.Untrack(this);
        if (loadInProgress)
        {
            // The first read is still running: Load disposes the watch and the source when it returns.
            return;
        }

        _watch?.Dispose();

        // The loop disposes the source when it ends, so a read in flight never sees a disposed source.
        if (loop is null)
        {
            DisposeSourceWhenNoReadRuns();
        }
    }

    public override string ToString() => $"{nameof(SecretConfigurationProvider)} for {_source.Name}";

    private void StartWatching()
    {
        try
        {
            _watch = _source.Watch(OnWatcherEvent);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            Log.WatchFailed(_logger, exception, _source.Name);
        }
    }

    private void OnWatcherEvent()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _pending.AddWatcherEvent(_time.GetTimestamp());
            WakeLocked();
        }
    }

    private async Task RunLoopAsync()
    {
        try
        {
            while (true)
            {
                RefreshTriggers triggers;
                IReadOnlyList<SecretChangeNotice> notices;
                IReadOnlyList<TaskCompletionSource> waiters;
                Task wake;
                TimeSpan? delay;
                lock (_gate)
                {
                    _isWaiting = false;
                    if (_disposed)
                    {
                        return;
                    }

                    var now = _time.GetTimestamp();
                    var due = NextDueLocked(now);
                    if (due is { } dueTime && dueTime <= now)
                    {
                        _pending.Add(TakeDueClocksLocked(now), waiter: null);

                        (triggers, notices, waiters) = _pending.Take();
                        wake = Task.CompletedTask;
                        delay = null;
                    }
                    else
                    {
                        triggers = RefreshTriggers.None;
                        notices = [];
                        waiters = [];
                        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        wake = _wake.Task;
                        delay = due is { } later ? _time.GetElapsedTime(now, later) : null;
                    }
                }

                if (triggers != RefreshTriggers.None)
                {
                    try
                    {
                        await RefreshOnceAsync(triggers, notices, waiters);
                    }
                    catch (Exception exception)
                    {
                        // Only a throwing logger or listener gets here; the loop must outlive it, and no caller may hang.
                        foreach (var waiter in waiters)
                        {
                            waiter.TrySetException(exception);
                        }
                    }
                }
                else
                {
                    await WaitAsync(wake, delay);
                }
            }
        }
        finally
        {
            DisposeSourceWhenNoReadRuns();
        }
    }

    private async Task WaitAsync(Task wake, TimeSpan? delay)
    {
        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var timer = delay is { } wait
            ? Task.Delay(wait < LongestWait ? wait : LongestWait, _time, cancelDelay.Token)
            : Task.Delay(Timeout.Infinite, cancelDelay.Token);
        lock (_gate)
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

    /// <summary>The timestamp at which the loop has something to do, or <see langword="null"/> when nothing is scheduled.</summary>
    private long? NextDueLocked(long now)
    {
        if (_pending.IsUrgent)
        {
            return now;
        }

        var due = NextScheduledLocked();
        if (_pending.LastWatcherEvent is { } last && _pending.FirstWatcherEvent is { } first)
        {
            var cap = _settings.DebounceWindow * 10 > MinimumDebounceCap ? _settings.DebounceWindow * 10 : MinimumDebounceCap;
            var watcherDue = Math.Min(TimestampAfter(last, _settings.DebounceWindow), TimestampAfter(first, cap));
            due = due is { } scheduled && scheduled < watcherDue ? scheduled : watcherDue;
        }

        return due;
    }

    /// <summary>The timestamp <paramref name="delay"/> after <paramref name="timestamp"/> (a negative delay counts as none).</summary>
    private long TimestampAfter(long timestamp, TimeSpan delay)
    {
        var ticks = Math.Clamp(delay.Ticks, 0, LongestSchedule.Ticks);
        return timestamp + (long)((Int128)ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);
    }

    private async Task RefreshOnceAsync(RefreshTriggers triggers, IReadOnlyList<SecretChangeNotice> notices, IReadOnlyList<TaskCompletionSource> waiters)
    {
        var started = _time.GetTimestamp();
        var sourceTag = new KeyValuePair<string, object?>(SecretRotationTelemetry.SourceTag, _source.Name);
        using var activity = SecretRotationTelemetry.ActivitySource.StartActivity("SecretRotation.Refresh");
        activity?.SetTag(SecretRotationTelemetry.SourceTag, _source.Name);
        activity?.SetTag("secretrotation.triggers", triggers.ToString());
        try
        {
            var request = new SecretReadRequest(_current, triggers, notices, _logger);
            var set = await ReadBoundedAsync(request);
            var changed = Apply(set, triggers, fireReload: true);
            activity?.SetTag("secretrotation.changed_keys", changed);
            RecordSuccess(triggers);
            foreach (var waiter in waiters)
            {
                waiter.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            foreach (var waiter in waiters)
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(SecretConfigurationProvider)));
            }
        }
        catch (Exception exception)
        {
            var wrapped = Wrap(exception);
            var retryDelay = RecordFailure(wrapped);
            activity?.SetStatus(ActivityStatusCode.Error, wrapped.Message);
            SecretRotationTelemetry.RefreshFailures.Add(1, sourceTag);
            Log.RefreshFailed(_logger, wrapped, _source.Name, _consecutiveFailures, retryDelay);
            foreach (var waiter in waiters)
            {
                waiter.TrySetException(wrapped);
            }
        }
        finally
        {
            SecretRotationTelemetry.Refreshes.Add(1, sourceTag);
            SecretRotationTelemetry.RefreshDuration.Record(_time.GetElapsedTime(started).TotalSeconds, sourceTag);
        }
    }

    /// <summary>Makes <paramref name="set"/> current; replaces Data and fires the reload token only if a key was added, removed or changed.</summary>
    /// <returns>How many keys changed.</returns>
    private int Apply(SecretSet set, RefreshTriggers triggers, bool fireReload)
    {
        var previous = _current;
        if (ReferenceEquals(set, previous))
        {
            // The source found nothing new (a poll that only compared file stamps, a seen version).
            if (fireReload)
            {
                Log.NothingChanged(_logger, _source.Name, triggers);
            }

            return 0;
        }

        var changedKeys = ChangedKeys(previous, set);
        lock (_gate)
        {
            _current = set;
        }

        WarnAboutExpiry(set);

        if (changedKeys.Count == 0)
        {
            if (fireReload)
            {
                Log.NothingChanged(_logger, _source.Name, triggers);
            }

            return 0;
        }

        // Twice the buckets of the key count: short chains keep a read as cheap as from an in-memory provider.
        var data = new Dictionary<string, string?>(set.Count * 2, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, entry) in set)
        {
            data[key] = entry.Value;
        }

        Data = data;
        SecretRotationTelemetry.ChangedKeys.Add(changedKeys.Count, new KeyValuePair<string, object?>(SecretRotationTelemetry.SourceTag, _source.Name));
        if (fireReload)
        {
            Log.SecretsChanged(_logger, _source.Name, changedKeys.Count, string.Join(", ", changedKeys));
            try
            {
                OnReload();
            }
            catch (Exception exception)
            {
                // A listener's bug must not turn into a refresh failure: the new data is already in place.
                Log.ReloadListenerFailed(_logger, exception, _source.Name);
            }
        }

        return changedKeys.Count;
    }

    private static List<string> ChangedKeys(SecretSet previous, SecretSet next)
    {
        var changed = new List<string>();
        foreach (var (key, entry) in next)
        {
            if (!previous.TryGetValue(key, out var old) || !string.Equals(old.Value, entry.Value, StringComparison.Ordinal))
            {
                changed.Add(key);
            }
        }

        foreach (var key in previous.Keys)
        {
            if (!next.ContainsKey(key))
            {
                changed.Add(key);
            }
        }

        changed.Sort(StringComparer.OrdinalIgnoreCase);
        return changed;
    }

    private void RecordSuccess(RefreshTriggers triggers)
    {
        int failedAttempts;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _hasLoaded = true;
            _lastSuccess = _time.GetUtcNow();
            _lastSuccessTimestamp = now;
            _nextRefreshBy = RefreshByLocked(now, _lastSuccess.Value);
            if (triggers == RefreshTriggers.ChangeNotice)
            {
                // A targeted read saw only what the notices named: the poll, and a pending retry of a failed full read,
                // stay as they were, or frequent pushes would postpone the safety-net poll forever.
                return;
            }

            failedAttempts = _consecutiveFailures;
            _consecutiveFailures = 0;
            _lastError = null;
            _nextRetry = null;

            // A read the refresh-by clock alone asked for (a lease renewal, a TTL) does not count as a poll.
            if (triggers != RefreshTriggers.RefreshBy || _nextPoll is null)
            {
                _nextPoll = _settings.NextPollDelay(_settings.Randomizer()) is { } pollDelay ? TimestampAfter(now, pollDelay) : null;
            }
        }

        if (failedAttempts > 0 && triggers != RefreshTriggers.Initial)
        {
            Log.Recovered(_logger, _source.Name, failedAttempts);
        }
    }

    private TimeSpan RecordFailure(SecretSourceException exception)
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            _lastFailure = _time.GetUtcNow();
            _lastError = exception.Message;
            var retryDelay = _settings.RetryDelay(_consecutiveFailures, exception.RetryAfter, _settings.Randomizer());
            _nextRetry = TimestampAfter(_time.GetTimestamp(), retryDelay);
            return retryDelay;
        }
    }

    private long? NextScheduledLocked() =>
        _nextRetry ?? (_nextPoll is { } poll && (_nextRefreshBy is null || poll <= _nextRefreshBy) ? poll : _nextRefreshBy);

    /// <summary>The triggers of the clocks that are due, which are then consumed.</summary>
    private RefreshTriggers TakeDueClocksLocked(long now)
    {
        if (_nextRetry is { } retry)
        {
            if (retry > now)
            {
                return RefreshTriggers.None;
            }

            _nextRetry = null;
            return RefreshTriggers.Retry;
        }

        var triggers = RefreshTriggers.None;
        if (_nextPoll is { } poll && poll <= now)
        {
            _nextPoll = null;
            triggers |= RefreshTriggers.Poll;
        }

        if (_nextRefreshBy is { } refreshBy && refreshBy <= now)
        {
            _nextRefreshBy = null;
            triggers |= RefreshTriggers.RefreshBy;
        }

        return triggers;
    }

    /// <summary>
    /// The timestamp at which an entry must be read again, but never sooner than the minimum interval (no busy loop on a
    /// past time). The entry's wall-clock refresh-by time becomes a delay now, when it has just been read, and the wait runs
    /// on the monotonic clock: a later jump of the wall clock neither postpones a lease renewal nor brings it forward.
    /// </summary>
    private long? RefreshByLocked(long now, DateTimeOffset wallNow)
    {
        if (_current.EarliestRefreshBy is not { } refreshBy)
        {
            _refreshByConverted = null;
            return null;
        }

        long at;
        if (_refreshByConverted is { } converted && converted.WallTime == refreshBy)
        {
            // The same time as before (a read that changed nothing): keep its deadline, whatever the wall clock did since.
            at = converted.Timestamp;
        }
        else
        {
            at = TimestampAfter(now, refreshBy - wallNow);
            _refreshByConverted = (refreshBy, at);
        }

        var earliestAllowed = TimestampAfter(now, _settings.MinimumRefreshInterval);
        return at > earliestAllowed ? at : earliestAllowed;
    }

    private void WakeLocked()
    {
        _isWaiting = false;
        _wake?.TrySetResult();
    }

    private void ReleaseIdleWaitersLocked()
    {
        foreach (var waiter in _idleWaiters)
        {
            waiter.TrySetResult();
        }

        _idleWaiters.Clear();
    }

    /// <summary>
    /// Reads the source, bounded by the read timeout. The read runs on the thread pool, so a source that blocks its thread
    /// (a FIFO opened for reading) cannot hold the loop; a source that ignores its cancelled token is left running, and the
    /// next read waits for it first (within its own timeout), so two reads of one store never run side by side.
    /// </summary>
    /// <exception cref="SecretSourceException">The read failed or timed out (the message names the source and the timeout).</exception>
    /// <exception cref="OperationCanceledException">The provider is being disposed.</exception>
    private async Task<SecretSet> ReadBoundedAsync(SecretReadRequest request)
    {
        var timeout = _settings.ReadTimeout;
        using var timedOut = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, _time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timedOut.Token);
        var waitedForEarlierRead = false;
        try
        {
            if (_abandonedRead is { IsCompleted: false } abandoned)
            {
                waitedForEarlierRead = true;
                Log.WaitingForAbandonedRead(_logger, _source.Name, timeout);
                await abandoned.WaitAsync(cancel.Token);
            }

            waitedForEarlierRead = false;
            _abandonedRead = null;
            var read = Task.Run(() => _source.ReadAsync(request, cancel.Token), CancellationToken.None);
            try
            {
                return await read.WaitAsync(cancel.Token) ?? throw new InvalidOperationException($"{_source.Name} returned no secret set.");
            }
            catch (OperationCanceledException) when (!read.IsCompleted)
            {
                // Its outcome no longer matters, but is observed, so it cannot surface as an unobserved task exception.
                _abandonedRead = read.ContinueWith(static finished => _ = finished.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
        }
        catch (Exception exception) when (timedOut.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            var message = waitedForEarlierRead
                ? $"an earlier read that timed out is still running (the source ignores cancellation), so no new read started within ReadTimeout ({timeout})"
                : $"the read did not finish within ReadTimeout ({timeout})";
            throw new SecretSourceException(_source.Name, message, new TimeoutException(message, exception));
        }
    }

    /// <summary>Disposes the source now, or when a read that timed out and is still running ends, so no read sees it disposed.</summary>
    private void DisposeSourceWhenNoReadRuns()
    {
        if (_abandonedRead is { IsCompleted: false } running)
        {
            running.ContinueWith(_ => _source.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        _source.Dispose();
    }

    private SecretSourceException Wrap(Exception exception) =>
        exception as SecretSourceException ?? new SecretSourceException(_source.Name, exception.Message, exception);
}

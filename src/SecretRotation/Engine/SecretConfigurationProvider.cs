using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.Diagnostics;

namespace SecretRotation.Engine;

/// <summary>
/// The reload engine: owns one <see cref="ISecretSource"/>, its watch subscription and one refresh loop. Swaps
/// <see cref="ConfigurationProvider.Data"/> and fires the reload token only when a value really changed; keeps the last
/// good data when a read fails. When to read is <see cref="RefreshSchedule"/>'s call, what changed
/// <see cref="SecretSetDiff"/>'s, and the source's health is kept in <see cref="SourceHealth"/>.
/// </summary>
internal sealed class SecretConfigurationProvider : ConfigurationProvider, ISecretRefresher, IDisposable
{
    /// <summary>Task.Delay cannot wait longer than about 49 days; the loop re-checks at least daily.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private readonly ISecretSource _source;
    private readonly RefreshSettings _settings;
    private readonly TimeProvider _time;
    private readonly bool _hasExplicitLoggerFactory;
    private readonly Lock _gate = new();
    private readonly PendingRefresh _pending = new();
    private readonly RefreshSchedule _schedule;
    private readonly SourceHealth _health;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];

    private volatile ILogger _logger;
    private SecretSet _current = SecretSet.Empty;
    private IDisposable? _watch;
    private Task? _loop;
    private TaskCompletionSource? _wake;
    private Task? _currentTimer;
    // A read that timed out but has not finished (its source ignored the cancellation); no read starts until it ends.
    private volatile Task? _abandonedRead;
    private bool _loadStarted;
    private bool _loadInProgress;
    private bool _isWaiting;
    private bool _disposed;

    public SecretConfigurationProvider(ISecretSource source, RefreshSettings settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(settings);
        _source = source;
        _settings = settings;
        _time = settings.TimeProvider;
        _schedule = new RefreshSchedule(settings, _time.TimestampFrequency);
        _health = new SourceHealth(source.Name, settings.Optional, settings.ExpiryWarningWindow);
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
                return _health.Snapshot(_current, _time.GetUtcNow());
            }
        }
    }

    /// <summary>How many key versions the expiry warnings remember. For tests.</summary>
    internal int ExpiryWarningsRemembered
    {
        get
        {
            lock (_gate)
            {
                return _health.ExpiryWarningsRemembered;
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
            var (_, retryDelay) = RecordFailure(wrapped);
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

    public Task RefreshAsync(CancellationToken cancellationToken = default) =>
        RequestAsync(waiter => _pending.Add(RefreshTriggers.Manual, waiter), cancellationToken);

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

        await RequestAsync(waiter => _pending.AddNotice(notice, waiter, _schedule.NoticeDue(_time.GetTimestamp())), cancellationToken);
        return true;
    }

    // Fleet scale (issue 12): push health stretches or restores the safety poll; RefreshSchedule decides when.
    public void ReportPushHealth(bool healthy)
    {
        lock (_gate)
        {
            _schedule.OnPushHealth(healthy, _time.GetTimestamp());
            WakeLocked();
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
            return _health.LastSuccessTimestamp is { } last ? _time.GetElapsedTime(last).TotalSeconds : null;
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

        Complete(waiters, new ObjectDisposedException(nameof(SecretConfigurationProvider)));
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

    private static void Complete(IReadOnlyList<TaskCompletionSource> waiters, Exception? exception = null)
    {
        foreach (var waiter in waiters)
        {
            _ = exception is null ? waiter.TrySetResult() : waiter.TrySetException(exception);
        }
    }

    private async Task RequestAsync(Action<TaskCompletionSource> add, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            add(waiter);
            WakeLocked();
        }

        await waiter.Task.WaitAsync(cancellationToken);
    }

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
                    var due = _schedule.NextDue(now, _pending.IsUrgent, _pending.FirstWatcherEvent, _pending.LastWatcherEvent, _pending.NoticeDue);
                    if (due is { } dueTime && dueTime <= now)
                    {
                        _pending.Add(_schedule.TakeDue(now), waiter: null);
                        (triggers, notices, waiters) = _pending.Take();
                        wake = Task.CompletedTask;
                        delay = null;
                    }
                    else
                    {
                        (triggers, notices, waiters) = (RefreshTriggers.None, [], []);
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
                        Complete(waiters, exception);
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
        // Whole milliseconds, rounded up: timers truncate a sub-millisecond rest to zero and would wake the loop early, again and again.
        var timer = delay is { } wait
            ? Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling((wait < LongestWait ? wait : LongestWait).TotalMilliseconds)), _time, cancelDelay.Token)
            : Task.Delay(Timeout.InfiniteTimeSpan, _time, cancelDelay.Token);
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
            Complete(waiters);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Complete(waiters, new ObjectDisposedException(nameof(SecretConfigurationProvider)));
        }
        catch (Exception exception)
        {
            var wrapped = Wrap(exception);
            var (consecutiveFailures, retryDelay) = RecordFailure(wrapped);
            activity?.SetStatus(ActivityStatusCode.Error, wrapped.Message);
            SecretRotationTelemetry.RefreshFailures.Add(1, sourceTag);
            Log.RefreshFailed(_logger, wrapped, _source.Name, consecutiveFailures, retryDelay);
            Complete(waiters, wrapped);
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
        // The same set: the source found nothing new (a poll that only compared file stamps, a seen version).
        var changedKeys = ReferenceEquals(set, previous) ? [] : SecretSetDiff.All(previous, set);
        if (!ReferenceEquals(set, previous))
        {
            List<(string Key, SecretEntry Entry)> warnings;
            lock (_gate)
            {
                _current = set;
                warnings = _health.TakeNewExpiryWarnings(set, _time.GetUtcNow());
            }

            foreach (var (key, entry) in warnings)
            {
                Log.SecretNearExpiry(_logger, key, _source.Name, entry.Version ?? "(none)", entry.ExpiresOn!.Value);
            }
        }

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

    private void RecordSuccess(RefreshTriggers triggers)
    {
        int failedAttempts;
        lock (_gate)
        {
            var (now, wallNow) = (_time.GetTimestamp(), _time.GetUtcNow());
            failedAttempts = _health.OnSuccess(triggers, wallNow, now);
            _schedule.OnSuccess(triggers, now, wallNow, _current.EarliestRefreshBy);
        }

        if (failedAttempts > 0 && triggers != RefreshTriggers.Initial)
        {
            Log.Recovered(_logger, _source.Name, failedAttempts);
        }
    }

    private (int ConsecutiveFailures, TimeSpan RetryDelay) RecordFailure(SecretSourceException exception)
    {
        lock (_gate)
        {
            var consecutiveFailures = _health.OnFailure(_time.GetUtcNow(), exception.Message);
            return (consecutiveFailures, _schedule.OnFailure(consecutiveFailures, exception.RetryAfter, _time.GetTimestamp()));
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

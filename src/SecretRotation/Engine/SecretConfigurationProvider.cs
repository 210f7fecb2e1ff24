using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.Diagnostics;

namespace SecretRotation.Engine;

/// <summary>
/// The reload engine: owns one <see cref="ISecretSource"/>, its watch subscription and one refresh loop. Swaps
/// <see cref="ConfigurationProvider.Data"/> and fires the reload token only when a value really changed; keeps the last
/// good data when a read fails. When to read is <see cref="RefreshSchedule"/>'s call, the requests and the loop's wake-up
/// are <see cref="RefreshQueue"/>'s, the bounded read is <see cref="BoundedSourceReader"/>'s, and the swap and the
/// source's health are <see cref="SecretSwap"/>'s.
/// </summary>
/// <remarks>
/// Locks: <c>_gate</c> guards only the lifecycle flags and <c>_loop</c>; <see cref="RefreshQueue"/>, <see cref="SecretSwap"/>
/// and <see cref="FirstReadIdleSignal"/> each guard their own state with their own lock (taken inside <c>_gate</c>, never the
/// other way). <see cref="RefreshSchedule"/> belongs to the queue, under its lock (push-health reports reach it from any thread).
/// </remarks>
internal sealed class SecretConfigurationProvider : ConfigurationProvider, ISecretRefresher, IDisposable
{
    private readonly ISecretSource _source;
    private readonly RefreshSettings _settings;
    private readonly TimeProvider _time;
    private readonly bool _hasExplicitLoggerFactory;
    private readonly Lock _gate = new();
    private readonly RefreshQueue _queue;
    private readonly SecretSwap _swap;
    private readonly BoundedSourceReader _reader;
    private readonly SourceWatchSubscription _watch = new();
    private readonly CancellationTokenSource _stopping = new();

    private volatile ILogger _logger;
    private Task? _loop;
    private bool _loadStarted;
    private bool _loadInProgress;
    private bool _disposed;

    // Until the loop runs, when the provider is idle: the first read parked in the start-up throttle wait, or Load ended.
    private readonly FirstReadIdleSignal _firstRead = new();

    public SecretConfigurationProvider(ISecretSource source, RefreshSettings settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(settings);
        _source = source;
        _settings = settings;
        _time = settings.TimeProvider;
        _queue = new RefreshQueue(this, _time, new RefreshSchedule(settings, _time.TimestampFrequency));
        _swap = new SecretSwap(source.Name, settings);
        _reader = new BoundedSourceReader(source, settings.ReadTimeout, _time, _stopping.Token);
        _hasExplicitLoggerFactory = settings.LoggerFactory is not null;
        _logger = settings.LoggerFactory?.CreateLogger(SecretRotationDiagnostics.MeterName) ?? NullLogger.Instance;
    }

    public string SourceName => _source.Name;

    /// <summary>Completes when the refresh loop has ended (after <see cref="Dispose"/>). For tests.</summary>
    internal Task Completion => _loop ?? Task.CompletedTask;

    internal ISecretSource Source => _source;

    public SecretSourceStatus Status => _swap.Status;

    /// <summary>How many key versions the expiry warnings remember. For tests.</summary>
    internal int ExpiryWarningsRemembered => _swap.ExpiryWarningsRemembered;

    /// <summary>The values replaced keys had, read through <see cref="ISecretHistory"/>.</summary>
    internal PreviousValues PreviousValues => _swap.PreviousValues;

    /// <summary>
    /// Reads the source once, synchronously; a second call (from <c>IConfigurationRoot.Reload</c>) only requests a refresh.
    /// A required source the store throttles is read again after the loop's retry delay, within
    /// <see cref="RefreshSettings.StartupThrottleWait"/> of the start.
    /// </summary>
    public override void Load()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loadStarted)
            {
                _queue.Add(RefreshTriggers.Manual);
                return;
            }

            _loadStarted = true;
            _loadInProgress = true;
            _firstRead.LoadBegins();
        }

        var loadStarted = _time.GetTimestamp();

        // Watch before the first read, so a change that lands during the read is not missed.
        _watch.Start(_source, _queue.AddWatcherEvent, _logger);
        try
        {
            while (!TryFirstRead(loadStarted, out var throttleDelay))
            {
                _firstRead.Park(throttleDelay, _time, _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed during the first read or the throttle wait: the cancellation ends Load, as it always has, and
            // Dispose left the watch and the source to us.
            EndFailedLoad();
            throw;
        }

        lock (_gate)
        {
            _loadInProgress = false;
            _firstRead.LoadEnded();
            if (!_disposed)
            {
                SecretRotationTelemetry.Track(this);
                _loop = Task.Run(RunLoopAsync);
                return;
            }
        }

        // Disposed while the first read ran: Dispose left the watch and the source to us.
        _watch.Dispose();
        _reader.DisposeSourceWhenNoReadRuns();
    }

    public Task RefreshAsync(CancellationToken cancellationToken = default) =>
        RequestAsync((pending, _, _, waiter) => pending.Add(RefreshTriggers.Manual, waiter), cancellationToken);

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

        await RequestAsync(
            (pending, schedule, now, waiter) =>
            {
                // A notice delivered for this source is itself a sign that push reaches it: while it lasts, the safety poll
                // may stretch. In a fan-out to a fleet, polls due while the spread-out fetches run then do not add to them.
                schedule.OnPushHealth(healthy: true, now);
                pending.AddNotice(notice, waiter, schedule.NoticeDue(now));
            },
            cancellationToken);
        return true;
    }

    public void ReportPushHealth(bool healthy) => _queue.OnPushHealth(healthy);

    /// <summary>Uses the host's logger factory from now on, unless the source was given one explicitly.</summary>
    internal void AttachLoggerFactory(ILoggerFactory loggerFactory)
    {
        if (!_hasExplicitLoggerFactory)
        {
            _logger = loggerFactory.CreateLogger(SecretRotationDiagnostics.MeterName);
        }
    }

    internal double? SecondsSinceLastSuccess() => _swap.SecondsSinceLastSuccess();

    /// <summary>
    /// Completes once the provider has nothing to do until its clock moves or a request comes, so a test (or the fleet
    /// benchmark) may move a fake clock: once the loop runs, when it is blocked waiting for its timer or a new request (its
    /// timer exists); before that, when the first read is parked in the start-up throttle wait (its timer exists) or
    /// <see cref="Load"/> has ended (a failed start-up included). Before <see cref="Load"/> is called it waits for it.
    /// Completed at once after <see cref="Dispose"/>.
    /// </summary>
    internal Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }

            if (_loop is not null)
            {
                return _queue.WhenIdleAsync();
            }

            return _firstRead.WhenIdleAsync();
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
            // Close before cancelling: cancelling may run the loop's continuation inline, here, and the loop must then
            // find the queue closed, or it would spin on its cancelled timer without ever returning to this method.
            waiters = _queue.Close();
            _stopping.Cancel();
            loadInProgress = _loadInProgress;
            loop = _loop;
            _firstRead.Release();
        }

        RefreshQueue.Complete(waiters, new ObjectDisposedException(nameof(SecretConfigurationProvider)));
        _swap.PreviousValues.Dispose();
        SecretRotationTelemetry.Untrack(this);
        if (loadInProgress)
        {
            // The first read is still running: Load disposes the watch and the source when it returns.
            return;
        }

        _watch.Dispose();

        // The loop disposes the source when it ends, so a read in flight never sees a disposed source.
        if (loop is null)
        {
            _reader.DisposeSourceWhenNoReadRuns();
        }
    }

    public override string ToString() => $"{nameof(SecretConfigurationProvider)} for {_source.Name}";

    /// <summary>
    /// Makes one try of the first read. Succeeds (or, for an optional source, fails and leaves the retry to the loop):
    /// <see langword="true"/>. Throttled, and the next try starts within <see cref="RefreshSettings.StartupThrottleWait"/> of
    /// <paramref name="loadStarted"/>: <see langword="false"/>, with the delay the loop's retry would wait. Otherwise throws.
    /// Every failure is recorded like a failed refresh.
    /// </summary>
    /// <exception cref="SecretSourceException">A required source could not be read (the Load fails).</exception>
    /// <exception cref="OperationCanceledException">The provider is being disposed.</exception>
    private bool TryFirstRead(long loadStarted, out TimeSpan throttleDelay)
    {
        throttleDelay = TimeSpan.Zero;
        try
        {
            var request = new SecretReadRequest(SecretSet.Empty, RefreshTriggers.Initial, [], _logger);
            var set = Task.Run(() => _reader.ReadAsync(request)).GetAwaiter().GetResult();
            _swap.Apply(set, RefreshTriggers.Initial, _logger, data => Data = data, reload: null);
            RecordSuccess(RefreshTriggers.Initial);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            var wrapped = _reader.Wrap(exception);
            var (consecutiveFailures, retryDelay) = RecordFailure(wrapped);
            if (_settings.Optional)
            {
                Log.OptionalSourceUnavailable(_logger, wrapped, _source.Name, retryDelay);
                return true;
            }

            var budget = _settings.StartupThrottleWait;
            if (wrapped.RetryAfter is not { } retryAfter || budget <= TimeSpan.Zero)
            {
                EndFailedLoad();
                throw wrapped;
            }

            var throttledFor = _time.GetElapsedTime(loadStarted);
            var left = budget - throttledFor;
            if (left <= TimeSpan.Zero || left < retryAfter)
            {
                EndFailedLoad();
                throw new SecretSourceException(
                    _source.Name,
                    $"the store throttled the start-up read for {throttledFor:g} ({consecutiveFailures} attempt(s)), and StartupThrottleWait ({budget:g}) leaves no time for the Retry-After it asked for ({retryAfter:g}). The last answer: {wrapped.Message}",
                    wrapped)
                {
                    RetryAfter = wrapped.RetryAfter,
                };
            }

            // A fleet's spread share can make the delay longer than the budget has left: the last try comes at its end
            // (never before the Retry-After), rather than the pod giving up before the budget is spent.
            retryDelay = retryDelay < left ? retryDelay : left;

            Log.StartupThrottled(_logger, wrapped, _source.Name, consecutiveFailures, retryAfter, retryDelay, budget);
            throttleDelay = retryDelay;
            return false;
        }
    }

    /// <summary>Ends a Load whose first read failed: a later Load (<c>IConfigurationRoot.Reload</c>) tries it again.</summary>
    private void EndFailedLoad()
    {
        _watch.Dispose();
        bool disposed;
        lock (_gate)
        {
            _loadStarted = false;
            _loadInProgress = false;
            disposed = _disposed;
            _firstRead.LoadEnded();
        }

        if (disposed)
        {
            // Dispose ran during the first read and left the source to us.
            _reader.DisposeSourceWhenNoReadRuns();
        }
    }

    private async Task RequestAsync(Action<PendingRefresh, RefreshSchedule, long, TaskCompletionSource> add, CancellationToken cancellationToken) =>
        await _queue.Request(add).WaitAsync(cancellationToken);

    private async Task RunLoopAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested && _queue.Next() is { } step)
            {
                if (step.Triggers == RefreshTriggers.None)
                {
                    await _queue.WaitAsync(step.Wake, step.Delay, _stopping.Token);
                    continue;
                }

                try
                {
                    await RefreshOnceAsync(step.Triggers, step.Notices, step.Waiters);
                }
                catch (Exception exception)
                {
                    // Only a throwing logger or listener gets here; the loop must outlive it, and no caller may hang.
                    RefreshQueue.Complete(step.Waiters, exception);
                }
            }
        }
        finally
        {
            _reader.DisposeSourceWhenNoReadRuns();
        }
    }

    private async Task RefreshOnceAsync(RefreshTriggers triggers, IReadOnlyList<SecretChangeNotice> notices, IReadOnlyList<TaskCompletionSource> waiters)
    {
        using var recording = new RefreshRecording(_source.Name, triggers, _time);
        try
        {
            var request = new SecretReadRequest(_swap.Current, triggers, notices, _logger);
            var set = await _reader.ReadAsync(request);
            recording.Succeeded(_swap.Apply(set, triggers, _logger, data => Data = data, OnReload));
            RecordSuccess(triggers);
            RefreshQueue.Complete(waiters);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            RefreshQueue.Complete(waiters, new ObjectDisposedException(nameof(SecretConfigurationProvider)));
        }
        catch (Exception exception)
        {
            var wrapped = _reader.Wrap(exception);
            var (consecutiveFailures, retryDelay) = RecordFailure(wrapped);
            recording.Failed(wrapped);
            Log.RefreshFailed(_logger, wrapped, _source.Name, consecutiveFailures, retryDelay);
            RefreshQueue.Complete(waiters, wrapped);
        }
    }

    private void RecordSuccess(RefreshTriggers triggers)
    {
        var (now, wallNow) = (_time.GetTimestamp(), _time.GetUtcNow());
        _queue.OnSuccess(triggers, now, wallNow, _swap.OnSuccess(triggers, wallNow, now, _logger));
    }

    private (int ConsecutiveFailures, TimeSpan RetryDelay) RecordFailure(SecretSourceException exception)
    {
        var consecutiveFailures = _swap.OnFailure(exception.Message);
        return (consecutiveFailures, _queue.OnFailure(consecutiveFailures, exception.RetryAfter));
    }
}

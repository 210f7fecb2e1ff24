using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// Lists one <see cref="ResourceQuery"/> and watches it from the list's resourceVersion, keeping the objects in a cache the
/// reader takes snapshots of. As the API concepts documentation prescribes: bookmarks advance the resourceVersion; a 410
/// (as the watch's status or as an ERROR event) or any other ERROR event means list again; a stream the server ends (its
/// <c>timeoutSeconds</c>) is watched again from the last resourceVersion after a short random delay; failures back off
/// exponentially with jitter; a stream silent for the progress timeout is restarted. Reports a change only when an object's
/// data changed (a label or annotation update reports nothing). All timers use the source's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ResourceWatcher : IDisposable
{
    private readonly KubernetesApi _api;
    private readonly KubernetesSourceSettings _settings;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Dictionary<string, KubernetesObject>? _objects;
    private long _cacheVersion;
    private Action? _changed;
    private ILogger _logger = NullLogger.Instance;
    private Task? _loop;
    private CancellationTokenSource? _restart;
    private bool _disposed;
    private int _watchesStarted;

    public ResourceWatcher(ResourceQuery query, KubernetesApi api, KubernetesSourceSettings settings)
    {
        Query = query;
        _api = api;
        _settings = settings;
        _time = settings.TimeProvider;
    }

    public ResourceQuery Query { get; }

    /// <summary>Whether the loop runs and has listed at least once, so <see cref="Snapshot"/> is current.</summary>
    public bool IsSynced
    {
        get
        {
            lock (_gate)
            {
                return _loop is not null && _objects is not null;
            }
        }
    }

    /// <summary>How many watch requests the loop started; for tests and benchmarks.</summary>
    internal int WatchesStarted => Volatile.Read(ref _watchesStarted);

    public ILogger Logger
    {
        set => Volatile.Write(ref _logger, value);
    }

    /// <summary>Starts the list+watch loop, reporting data changes to <paramref name="changed"/>.</summary>
    public void Start(Action changed)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _changed = changed;
            _loop ??= Task.Run(LoopAsync);
        }
    }

    /// <summary>The cached objects by name, or <see langword="null"/> before the first list of the loop.</summary>
    public IReadOnlyDictionary<string, KubernetesObject>? Snapshot()
    {
        lock (_gate)
        {
            return _objects;
        }
    }

    /// <summary>
    /// Lists now (a poll, a manual refresh, the first load). If the watch applied an event meanwhile, its newer cache wins;
    /// otherwise the cache takes the list. When <paramref name="isSafetyPoll"/> and the list shows data the watch never delivered,
    /// the watch is restarted too (a manual refresh right after a write merely beats the watch event, which then changes nothing).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, KubernetesObject>> ListAsync(bool isSafetyPoll, CancellationToken cancellationToken)
    {
        long before;
        lock (_gate)
        {
            before = _cacheVersion;
        }

        var (_, items) = await _api.ListAsync(Query, _settings.MaxSecretSize, MaxBody, cancellationToken).ConfigureAwait(false);
        var listed = ToDictionary(items);
        lock (_gate)
        {
            if (_loop is null || _objects is null)
            {
                return listed;
            }

            if (_cacheVersion != before)
            {
                return _objects;
            }

            if (!SameData(_objects, listed))
            {
                _objects = listed;
                _cacheVersion++;
                if (isSafetyPoll)
                {
                    KubernetesLog.WatchMissedChange(_logger, Query.Description);
                    _restart?.Cancel();
                }
            }

            return _objects;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _changed = null;
        }

        _stop.Cancel();
        // The loop ends at its next await; its CancellationTokenSource stays alive until then (not disposed here).
    }

    private long MaxBody => Query.Name is null ? _settings.MaxSelectorList : _settings.MaxLine;

    private async Task LoopAsync()
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                if (resourceVersion is null)
                {
                    var (listVersion, items) = await _api.ListAsync(Query, _settings.MaxSecretSize, MaxBody, _stop.Token).ConfigureAwait(false);
                    Publish(ToDictionary(items));
                    resourceVersion = listVersion;
                    KubernetesLog.Listed(_logger, Query.Description, listVersion, items.Count);
                }

                var outcome = await WatchOnceAsync(resourceVersion).ConfigureAwait(false);
                resourceVersion = outcome.ResourceVersion;
                if (outcome.Healthy)
                {
                    failures = 0;
                    delay = outcome.Immediate ? TimeSpan.Zero : _settings.MinimumWatchBackoff * _settings.Randomizer();
                }
                else
                {
                    failures++;
                    delay = outcome.Immediate && failures == 1 ? TimeSpan.Zero : Backoff(failures, retryAfter: null);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // Disposed: a request cut short by the shutdown (cancelled, or its client disposed) is no failure.
                return;
            }
            catch (KubernetesApiException exception) when (exception.IsExpired)
            {
                KubernetesLog.Expired(_logger, Query.Description, resourceVersion ?? "(none)");
                resourceVersion = null;
                failures++;
                delay = failures == 1 ? TimeSpan.Zero : Backoff(failures, exception.RetryAfter);
            }
            catch (Exception exception)
            {
                failures++;
                delay = Backoff(failures, (exception as KubernetesApiException)?.RetryAfter);
                KubernetesLog.WatchFailed(_logger, exception, Query.Description, failures, delay.TotalMilliseconds);
            }

            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<WatchOutcome> WatchOnceAsync(string resourceVersion)
    {
        var requested = _settings.WatchTimeout * (1 + (0.25 * _settings.Randomizer()));
        var timeoutSeconds = (int)Math.Ceiling(requested.TotalSeconds);
        using var restart = new CancellationTokenSource();
        using var stall = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, restart.Token, stall.Token);
        lock (_gate)
        {
            _restart = restart;
        }

        var started = _time.GetTimestamp();
        var events = 0;
        Interlocked.Increment(ref _watchesStarted);
        KubernetesLog.Watching(_logger, Query.Description, resourceVersion, timeoutSeconds);
        using var stallTimer = _time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), stall, _settings.WatchProgressTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            using var response = await _api.OpenWatchAsync(Query, resourceVersion, timeoutSeconds, linked.Token).ConfigureAwait(false);
            stallTimer.Change(_settings.WatchProgressTimeout, Timeout.InfiniteTimeSpan);
            using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var reader = new LineReader(stream, _settings.MaxLine);
            while (true)
            {
                var line = await reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
                if (line is null)
                {
                    var elapsed = _time.GetElapsedTime(started);
                    var healthy = events > 0 || elapsed >= requested / 2;
                    KubernetesLog.WatchEnded(_logger, Query.Description, elapsed.TotalSeconds, events, resourceVersion, healthy ? _settings.MinimumWatchBackoff.TotalMilliseconds : -1);
                    return new WatchOutcome(resourceVersion, healthy, Immediate: false);
                }

                stallTimer.Change(_settings.WatchProgressTimeout, Timeout.InfiniteTimeSpan);
                events++;
                var watchEvent = KubernetesJson.ParseEvent(line.Value, Query.Kind, _settings.MaxSecretSize);
                switch (watchEvent.Type)
                {
                    case "ADDED":
                    case "MODIFIED":
                    case "DELETED":
                        Apply(watchEvent.Type, watchEvent.Object!);
                        if (!string.IsNullOrEmpty(watchEvent.ResourceVersion))
                        {
                            resourceVersion = watchEvent.ResourceVersion;
                        }

                        break;
                    case "BOOKMARK":
                        resourceVersion = watchEvent.ResourceVersion!;
                        KubernetesLog.Bookmark(_logger, Query.Description, resourceVersion);
                        break;
                    default:
                        if (watchEvent.StatusCode == 410)
                        {
                            // Re-list at once the first time; a server that expires every watch backs off like any failure.
                            KubernetesLog.Expired(_logger, Query.Description, resourceVersion);
                            return new WatchOutcome(null, Healthy: false, Immediate: true);
                        }

                        KubernetesLog.ErrorEvent(_logger, Query.Description, watchEvent.StatusCode ?? 0, watchEvent.Reason ?? "(none)");
                        return new WatchOutcome(null, Healthy: false, Immediate: false);
                }
            }
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            KubernetesLog.Stalled(_logger, Query.Description, _settings.WatchProgressTimeout.TotalSeconds, resourceVersion);
            return new WatchOutcome(resourceVersion, Healthy: true, Immediate: true);
        }
        catch (OperationCanceledException) when (restart.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            return new WatchOutcome(null, Healthy: true, Immediate: true);
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_restart, restart))
                {
                    _restart = null;
                }
            }
        }
    }

    private void Publish(Dictionary<string, KubernetesObject> listed)
    {
        bool changed;
        lock (_gate)
        {
            changed = _objects is null || !SameData(_objects, listed);
            _objects = listed;
            _cacheVersion++;
        }

        if (changed)
        {
            Report();
        }
    }

    private void Apply(string type, KubernetesObject obj)
    {
        if (Query.Name is not null && !string.Equals(obj.Name, Query.Name, StringComparison.Ordinal))
        {
            return;
        }

        bool changed;
        lock (_gate)
        {
            var next = _objects is null ? new Dictionary<string, KubernetesObject>(StringComparer.Ordinal) : new Dictionary<string, KubernetesObject>(_objects, StringComparer.Ordinal);
            if (type == "DELETED")
            {
                changed = next.Remove(obj.Name);
            }
            else
            {
                changed = !next.TryGetValue(obj.Name, out var old) || !old.HasSameData(obj);
                next[obj.Name] = obj;
            }

            _objects = next;
            _cacheVersion++;
        }

        KubernetesLog.Event(_logger, Query.Description, type, obj.Name, obj.ResourceVersion, changed);
        if (changed)
        {
            Report();
        }
    }

    private void Report()
    {
        Action? changed;
        lock (_gate)
        {
            changed = _changed;
        }

        changed?.Invoke();
    }

    private TimeSpan Backoff(int failures, TimeSpan? retryAfter)
    {
        var exponential = _settings.MinimumWatchBackoff * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = exponential > _settings.MaximumWatchBackoff ? _settings.MaximumWatchBackoff : exponential;
        // ±20 % so replicas that failed together do not come back together.
        var jittered = capped * (0.8 + (0.4 * _settings.Randomizer()));
        return retryAfter is { } wait && wait > jittered ? (wait > _settings.MaximumWatchBackoff ? _settings.MaximumWatchBackoff : wait) : jittered;
    }

    private Dictionary<string, KubernetesObject> ToDictionary(List<KubernetesObject> items)
    {
        var result = new Dictionary<string, KubernetesObject>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (Query.Name is null || string.Equals(item.Name, Query.Name, StringComparison.Ordinal))
            {
                result[item.Name] = item;
            }
        }

        return result;
    }

    private static bool SameData(Dictionary<string, KubernetesObject> a, Dictionary<string, KubernetesObject> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (name, obj) in a)
        {
            if (!b.TryGetValue(name, out var other) || !obj.HasSameData(other))
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct WatchOutcome(string? ResourceVersion, bool Healthy, bool Immediate);
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using SecretRotation.Diagnostics;

namespace SecretRotation.RotatingClients;

/// <summary>
/// Owns the current instance of a client built from configuration. On every configuration reload it fingerprints the
/// watched values (a SHA-256 over keys and values, so no extra copy of a secret is kept) and, when that changed, calls the
/// factory on the thread pool, one rebuild at a time. A rebuild that throws keeps the current instance and is retried on
/// an exponential backoff; a replaced instance is disposed through <see cref="ClientInstance"/>'s reference count.
/// </summary>
internal sealed class RotatingClient<TClient> : IRotatingClient<TClient>, IRotatingClientState, IDisposable, IAsyncDisposable
    where TClient : class
{
    /// <summary>How long a replaced instance stays undisposed at least (bounded by the drain timeout), for callers of Current.</summary>
    internal static readonly TimeSpan UnleasedGrace = TimeSpan.FromSeconds(1);

    private readonly IServiceProvider _services;
    private readonly IConfiguration _configuration;
    private readonly string _section;
    private readonly string[] _watched;
    private readonly Func<IServiceProvider, IConfigurationSection, TClient> _factory;
    private readonly TimeSpan _drainTimeout;
    private readonly TimeSpan _minimumBackoff;
    private readonly TimeSpan _maximumBackoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RotatingClientRegistry? _registry;
    private readonly string _clientType;
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly Lock _gate = new();
    private readonly HashSet<ClientInstance> _draining = new(ReferenceEqualityComparer.Instance);
    private readonly IDisposable _reloadSubscription;

    private volatile ClientInstance _current;
    private volatile bool _disposed;
    private byte[] _builtFingerprint;
    private bool _rebuildPending;
    private bool _rebuildRunning;
    private TaskCompletionSource _settled = NewSettled(completed: true);
    private int _consecutiveFailures;
    private DateTimeOffset? _lastFailure;
    private string? _lastFailureType;
    private DateTimeOffset? _nextRetry;
    private ITimer? _retryTimer;
    // The values the last failed rebuild was built from: a reload with the same values waits for the retry timer.
    private byte[]? _failedFingerprint;
    private bool _retryDue;

    /// <exception cref="Exception">Whatever the factory throws for the first build (there is no previous instance to keep).</exception>
    public RotatingClient(
        IServiceProvider services,
        IConfiguration configuration,
        string section,
        Func<IServiceProvider, IConfigurationSection, TClient> factory,
        RotatingClientOptions options,
        TimeProvider time,
        ILoggerFactory? loggerFactory,
        RotatingClientRegistry? registry)
    {
        _services = services;
        _configuration = configuration;
        _section = section;
        _watched = [section, .. options.AlsoWatch];
        _factory = factory;
        _drainTimeout = options.DrainTimeout;
        _minimumBackoff = options.MinimumBackoff;
        _maximumBackoff = options.MaximumBackoff;
        _time = time;
        _logger = loggerFactory?.CreateLogger(SecretRotationDiagnostics.MeterName) ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _registry = registry;
        _clientType = TypeName(typeof(TClient));
        _tags = [new(RotatingClientTelemetry.ClientTag, _clientType), new(RotatingClientTelemetry.SectionTag, section)];

        _builtFingerprint = Fingerprint();
        var first = _factory(_services, _configuration.GetSection(_section))
            ?? throw new InvalidOperationException($"The factory of the rotating {_clientType} returned null.");
        _current = new ClientInstance(first, 1, OnRetired);
        _reloadSubscription = ChangeToken.OnChange(_configuration.GetReloadToken, RequestRebuild);
        registry?.Add(this);

        // A reload between the first fingerprint and the subscription would otherwise go unseen.
        RequestRebuild();
    }

    public TClient Current
    {
        get
        {
            var current = _current;
            ObjectDisposedException.ThrowIf(_disposed, this);
            return (TClient)current.Client;
        }
    }

    public long Generation => _current.Generation;

    public RotatingClientStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new RotatingClientStatus(_clientType, _section, _current.Generation, _consecutiveFailures, _lastFailure, _lastFailureType, _nextRetry, _draining.Count);
            }
        }
    }

    public RotatingClientLease<TClient> Lease()
    {
        // Bounded: an instance refuses a lease only after it was replaced, so the next read finds its successor.
        while (true)
        {
            var current = _current;
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (current.TryAcquire())
            {
                return new RotatingClientLease<TClient>((TClient)current.Client, current.Generation, new LeaseToken(current));
            }
        }
    }

    /// <summary>Completes once no rebuild is running or queued (a retry may still be scheduled on the clock). For tests.</summary>
    internal Task WhenSettledAsync()
    {
        lock (_gate)
        {
            return _settled.Task;
        }
    }

    public void Dispose()
    {
        foreach (var instance in Close())
        {
            try
            {
                switch (instance.Client)
                {
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                    case IAsyncDisposable asyncDisposable:
                        asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        break;
                }
            }
            catch (Exception exception)
            {
                RotatingClientLog.DisposeFailed(_logger, _clientType, _section, instance.Generation, TypeName(exception.GetType()));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Close())
        {
            await DisposeInstanceAsync(instance);
        }
    }

    public override string ToString() => $"RotatingClient<{_clientType}> ({_section}), generation {_current.Generation}";

    private static TaskCompletionSource NewSettled(bool completed)
    {
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            settled.SetResult();
        }

        return settled;
    }

    private static string TypeName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    /// <summary>Stops rebuilding and closes every instance; returns those the caller must dispose.</summary>
    private List<ClientInstance> Close()
    {
        ClientInstance[] instances;
        lock (_gate)
        {
            if (_disposed)
            {
                return [];
            }

            _disposed = true;
            _retryTimer?.Dispose();
            _retryTimer = null;
            instances = [.. _draining, _current];
            _draining.Clear();
        }

        _reloadSubscription.Dispose();
        _registry?.Remove(this);
        var toDispose = new List<ClientInstance>();
        foreach (var instance in instances)
        {
            if (instance.TryClose(out _))
            {
                toDispose.Add(instance);
            }
        }

        return toDispose;
    }

    private void RequestRebuild()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _rebuildPending = true;
            if (_rebuildRunning)
            {
                return;
            }

            _rebuildRunning = true;
            if (_settled.Task.IsCompleted)
            {
                _settled = NewSettled(completed: false);
            }
        }

        // The factory may be slow (it may open a connection): never on the thread that fired the reload.
        _ = Task.Run(RunRebuilds);
    }

    private void RunRebuilds()
    {
        var ended = false;
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_disposed || !_rebuildPending)
                    {
                        _rebuildRunning = false;
                        _settled.TrySetResult();
                        ended = true;
                        return;
                    }

                    _rebuildPending = false;
                }

                try
                {
                    RebuildOnce();
                }
                catch (Exception exception)
                {
                    // Not the factory's (RebuildOnce handles those): a throwing logger or meter listener. The current instance stays.
                    RotatingClientLog.RebuildPassFailed(_logger, _clientType, _section, TypeName(exception.GetType()));
                }
            }
        }
        finally
        {
            if (!ended)
            {
                // Even a logger that throws again cannot leave the client unable to rebuild: the next reload starts a new pass.
                lock (_gate)
                {
                    _rebuildRunning = false;
                    _settled.TrySetResult();
                }
            }
        }
    }

    private void RebuildOnce()
    {
        var fingerprint = Fingerprint();
        int recoveredAfter;
        lock (_gate)
        {
            if (fingerprint.AsSpan().SequenceEqual(_builtFingerprint))
            {
                // Nothing this client depends on changed, or it changed back to what the current instance was built from.
                recoveredAfter = _consecutiveFailures;
                ClearFailuresLocked();
            }
            else if (_failedFingerprint is not null && fingerprint.AsSpan().SequenceEqual(_failedFingerprint) && !_retryDue)
            {
                // The same values that just failed: the backoff decides when to try them again, not every reload.
                return;
            }
            else
            {
                _retryDue = false;
                recoveredAfter = -1;
            }
        }

        if (recoveredAfter >= 0)
        {
            if (recoveredAfter > 0)
            {
                RotatingClientLog.Recovered(_logger, _clientType, _section, recoveredAfter);
            }
            else
            {
                RotatingClientLog.Unchanged(_logger, _clientType, _section);
            }

            return;
        }

        TClient client;
        try
        {
            client = _factory(_services, _configuration.GetSection(_section))
                ?? throw new InvalidOperationException($"The factory of the rotating {_clientType} returned null.");
        }
        catch (Exception exception)
        {
            OnRebuildFailed(exception, fingerprint);
            return;
        }

        ClientInstance replaced;
        ClientInstance next;
        lock (_gate)
        {
            if (_disposed)
            {
                next = new ClientInstance(client, _current.Generation + 1, OnRetired);
                replaced = next;
            }
            else
            {
                replaced = _current;
                next = new ClientInstance(client, replaced.Generation + 1, OnRetired);
                _current = next;
                _builtFingerprint = fingerprint;
                recoveredAfter = _consecutiveFailures;
                ClearFailuresLocked();
                _draining.Add(replaced);
            }
        }

        if (ReferenceEquals(replaced, next))
        {
            // Disposed while the factory ran: the new instance is nobody's.
            if (next.TryClose(out _))
            {
                _ = DisposeInstanceAsync(next);
            }

            return;
        }

        // Retiring first: a throwing logger or listener below must not leave the replaced instance undisposed.
        var grace = _drainTimeout != Timeout.InfiniteTimeSpan && _drainTimeout < UnleasedGrace ? _drainTimeout : UnleasedGrace;
        replaced.StartRetiring(_time, grace, _drainTimeout);
        RotatingClientTelemetry.Rebuilds.Add(1, _tags);
        RotatingClientLog.Rebuilt(_logger, _clientType, _section, next.Generation);
        if (recoveredAfter > 0)
        {
            RotatingClientLog.Recovered(_logger, _clientType, _section, recoveredAfter);
        }
    }

    private void OnRetryDue()
    {
        lock (_gate)
        {
            _retryDue = true;
        }

        RequestRebuild();
    }

    private void OnRebuildFailed(Exception exception, byte[] fingerprint)
    {
        // The type only: a factory's message (a connection-string parser's, an SDK's) may quote the secret.
        var exceptionType = exception.GetType().FullName ?? exception.GetType().Name;
        int failures;
        TimeSpan delay;
        long generation;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            failures = ++_consecutiveFailures;
            _failedFingerprint = fingerprint;
            delay = BackoffDelay(failures);
            var now = _time.GetUtcNow();
            _lastFailure = now;
            _lastFailureType = exceptionType;
            _nextRetry = now + delay;
            _retryTimer?.Dispose();
            _retryTimer = _time.CreateTimer(static state => ((RotatingClient<TClient>)state!).OnRetryDue(), this, delay, Timeout.InfiniteTimeSpan);
            generation = _current.Generation;
        }

        RotatingClientTelemetry.RebuildFailures.Add(1, _tags);
        RotatingClientLog.RebuildFailed(_logger, _clientType, _section, exceptionType, failures, generation, delay);
    }

    private void ClearFailuresLocked()
    {
        _consecutiveFailures = 0;
        _nextRetry = null;
        _failedFingerprint = null;
        _retryDue = false;
        _retryTimer?.Dispose();
        _retryTimer = null;
    }

    /// <summary>The minimum backoff doubled per further failure, up to the maximum; no jitter (one client per process).</summary>
    private TimeSpan BackoffDelay(int consecutiveFailures)
    {
        var exponent = Math.Min(consecutiveFailures - 1, 30);
        var ticks = Math.Min(_minimumBackoff.Ticks * Math.Pow(2, exponent), _maximumBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private void OnRetired(ClientInstance instance, int leasesLeft)
    {
        lock (_gate)
        {
            _draining.Remove(instance);
        }

        // Off the thread of the last lease's Dispose or of the timer: a client's disposal may close connections, and a
        // throwing logger or listener must not surface in a caller's lease.Dispose() or on a timer thread.
        _ = Task.Run(async () =>
        {
            try
            {
                if (leasesLeft > 0)
                {
                    RotatingClientTelemetry.ForcedDisposals.Add(1, _tags);
                    RotatingClientLog.DrainTimedOut(_logger, _clientType, _section, instance.Generation, leasesLeft, _drainTimeout);
                }
                else
                {
                    RotatingClientTelemetry.Drains.Add(1, _tags);
                }
            }
            finally
            {
                await DisposeInstanceAsync(instance);
            }
        });
    }

    private async Task DisposeInstanceAsync(ClientInstance instance)
    {
        try
        {
            switch (instance.Client)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception exception)
        {
            RotatingClientLog.DisposeFailed(_logger, _clientType, _section, instance.Generation, TypeName(exception.GetType()));
        }
    }

    /// <summary>A SHA-256 over every key and value at or under the watched paths, so a change is found by value.</summary>
    private byte[] Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var length = new byte[4];
        void Append(string? text)
        {
            if (text is null)
            {
                BitConverter.TryWriteBytes(length, -1);
                hash.AppendData(length);
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            BitConverter.TryWriteBytes(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        foreach (var path in _watched)
        {
            Append(path);
            foreach (var (key, value) in _configuration.GetSection(path).AsEnumerable().OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase))
            {
                Append(key.ToUpperInvariant());
                Append(value);
            }
        }

        return hash.GetHashAndReset();
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.Diagnostics;

namespace SecretRotation.MountedVolumes;

/// <summary>
/// Keeps a <see cref="DirectoryWatcher"/> alive across the directory's life: a directory that does not exist yet, or
/// that was unmounted and mounted again, gets a new watcher on the next read. One owner: the reader that creates it
/// disposes it; the engine only subscribes (<see cref="Start"/>), and the reader only reports each read
/// (<see cref="OnRead"/>); whether a watcher runs is decided here alone.
/// </summary>
internal sealed class VolumeWatch : IDisposable
{
    private readonly string _directory;
    private readonly bool _recursive;
    private readonly string _sourceName;
    private readonly Lock _gate = new();
    private Action? _changed;
    private Action? _dataLinkSwapped;
    private Subscription? _subscription;
    private DirectoryWatcher? _watcher;
    private ILogger _logger = NullLogger.Instance;
    private bool _watchFailureLogged;
    private bool _disposed;

    public VolumeWatch(string directory, bool recursive, string sourceName)
    {
        _directory = directory;
        _recursive = recursive;
        _sourceName = sourceName;
    }

    /// <summary>
    /// Starts reporting changes to <paramref name="changed"/>; disposing the result stops the reports and the watcher
    /// (a later <see cref="Start"/> may subscribe again). The watch itself lives until <see cref="Dispose"/>.
    /// </summary>
    /// <param name="changed">Called for every event but the kubelet's <c>..data</c> rename.</param>
    /// <param name="dataLinkSwapped">Called for the <c>..data</c> rename (a complete new version); when
    /// <see langword="null"/>, <paramref name="changed"/> is called for it too.</param>
    public IDisposable Start(Action changed, Action? dataLinkSwapped = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _changed = changed;
            _dataLinkSwapped = dataLinkSwapped ?? changed;
            _subscription = new Subscription(this);
            StartLocked();
            return _subscription;
        }
    }

    /// <summary>
    /// Called as each read starts: drops the watcher if the directory is gone, (re)creates it if the directory exists and
    /// none is running.
    /// </summary>
    /// <param name="logger">The logger for the watch's own messages.</param>
    /// <param name="directoryExists">Whether the caller has just seen the directory exist (a path through it resolved),
    /// so it need not be looked up again; <see langword="false"/> when unknown.</param>
    public void OnRead(ILogger logger, bool directoryExists = false)
    {
        lock (_gate)
        {
            _logger = logger;
            if (!directoryExists && !Directory.Exists(_directory))
            {
                StopWatcherLocked();
                return;
            }

            StartLocked();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _subscription = null;
            _changed = null;
            _dataLinkSwapped = null;
            StopWatcherLocked();
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_subscription, subscription))
            {
                _subscription = null;
                _changed = null;
                _dataLinkSwapped = null;
                StopWatcherLocked();
            }
        }
    }

    private void StopWatcherLocked()
    {
        _watcher?.Dispose();
        _watcher = null;
    }

    private void StartLocked()
    {
        if (_changed is null || _watcher is not null || !Directory.Exists(_directory))
        {
            return;
        }

        try
        {
            _watcher = new DirectoryWatcher(_directory, _recursive, OnChanged, OnDataLinkSwapped, OnWatcherFailed);
            _watchFailureLogged = false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // E.g. the inotify instance limit (fs.inotify.max_user_instances) is reached: the poll still sees changes.
            // Watch() runs before the first read hands us a logger; log once a real one is known.
            if (!_watchFailureLogged && _logger is not NullLogger)
            {
                _watchFailureLogged = true;
                Log.WatchFailed(_logger, exception, _sourceName);
            }
        }
    }

    // Reports to the current subscriber, not the one the watcher was made for.
    private void OnChanged() => Volatile.Read(ref _changed)?.Invoke();

    private void OnDataLinkSwapped() => Volatile.Read(ref _dataLinkSwapped)?.Invoke();

    private void OnWatcherFailed(Exception exception)
    {
        Log.WatcherError(_logger, exception, _sourceName);
        lock (_gate)
        {
            StopWatcherLocked();
        }
    }

    private sealed class Subscription(VolumeWatch watch) : IDisposable
    {
        public void Dispose() => watch.Unsubscribe(this);
    }
}

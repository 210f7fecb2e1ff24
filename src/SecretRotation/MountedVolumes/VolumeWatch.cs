using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.Diagnostics;

namespace SecretRotation.MountedVolumes;

/// <summary>
/// Keeps a <see cref="DirectoryWatcher"/> alive across the directory's life: a directory that does not exist yet, or
/// that was unmounted and mounted again, gets a new watcher on the next successful read.
/// </summary>
internal sealed class VolumeWatch : IDisposable
{
    private readonly string _directory;
    private readonly bool _recursive;
    private readonly string _sourceName;
    private readonly Lock _gate = new();
    private Action? _changed;
    private DirectoryWatcher? _watcher;
    private ILogger _logger = NullLogger.Instance;
    private bool _watchFailureLogged;

    public VolumeWatch(string directory, bool recursive, string sourceName)
    {
        _directory = directory;
        _recursive = recursive;
        _sourceName = sourceName;
    }

    /// <summary>Starts reporting changes to <paramref name="changed"/>; disposing the result stops it.</summary>
    public IDisposable Start(Action changed)
    {
        lock (_gate)
        {
            _changed = changed;
            StartLocked();
        }

        return this;
    }

    /// <summary>Called after each read: (re)creates the watcher if the directory exists and none is running.</summary>
    public void EnsureStarted(ILogger logger)
    {
        lock (_gate)
        {
            _logger = logger;
            StartLocked();
        }
    }

    /// <summary>Drops the watcher, e.g. when the directory vanished; the next <see cref="EnsureStarted"/> makes a new one.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _changed = null;
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    private void StartLocked()
    {
        if (_changed is null || _watcher is not null || !Directory.Exists(_directory))
        {
            return;
        }

        try
        {
            _watcher = new DirectoryWatcher(_directory, _recursive, _changed, OnWatcherFailed);
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

    private void OnWatcherFailed(Exception exception)
    {
        Log.WatcherError(_logger, exception, _sourceName);
        Reset();
    }
}

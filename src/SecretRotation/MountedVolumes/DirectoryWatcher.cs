namespace SecretRotation.MountedVolumes;

/// <summary>
/// A <see cref="FileSystemWatcher"/> on a directory that reports every event, dot-named entries included: the kubelet's
/// update is visible only as <c>..data_tmp</c> renamed over <c>..data</c>. That rename, in the watched directory itself, is
/// reported apart: it publishes a complete version in one step, so nothing more of the change is coming.
/// </summary>
internal sealed class DirectoryWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Action _changed;
    private readonly Action _dataLinkSwapped;
    private readonly Action<Exception> _failed;

    /// <param name="directory">The directory to watch.</param>
    /// <param name="recursive">Whether sub-directories are watched too.</param>
    /// <param name="changed">Called for any event but the <c>..data</c> rename.</param>
    /// <param name="dataLinkSwapped">Called when an entry is renamed to <c>..data</c> in <paramref name="directory"/>.</param>
    /// <param name="failed">Called when the watcher fails (its buffer overflowed, the directory went away).</param>
    public DirectoryWatcher(string directory, bool recursive, Action changed, Action dataLinkSwapped, Action<Exception> failed)
    {
        _changed = changed;
        _dataLinkSwapped = dataLinkSwapped;
        _failed = failed;
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = recursive,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                | NotifyFilters.Size | NotifyFilters.CreationTime | NotifyFilters.Attributes,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += OnRenamed;
        _watcher.Error += OnError;
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher.EnableRaisingEvents = false;
        _watcher.Changed -= OnEvent;
        _watcher.Created -= OnEvent;
        _watcher.Deleted -= OnEvent;
        _watcher.Renamed -= OnRenamed;
        _watcher.Error -= OnError;
        _watcher.Dispose();
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => _changed();

    // Name is relative to the watched directory: a nested "sub/..data" is an ordinary event.
    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        if (string.Equals(e.Name, MountedSecretsReader.DataLinkName, StringComparison.Ordinal))
        {
            _dataLinkSwapped();
        }
        else
        {
            _changed();
        }
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        _failed(e.GetException());
        _changed();
    }
}

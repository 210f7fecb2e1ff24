namespace SecretRotation.MountedVolumes;

/// <summary>
/// A <see cref="FileSystemWatcher"/> on a directory that reports every event, dot-named entries included: the kubelet's
/// update is visible only as <c>..data_tmp</c> renamed over <c>..data</c>.
/// </summary>
internal sealed class DirectoryWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Action _changed;
    private readonly Action<Exception> _failed;

    public DirectoryWatcher(string directory, bool recursive, Action changed, Action<Exception> failed)
    {
        _changed = changed;
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
        _watcher.Renamed += OnEvent;
        _watcher.Error += OnError;
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher.EnableRaisingEvents = false;
        _watcher.Changed -= OnEvent;
        _watcher.Created -= OnEvent;
        _watcher.Deleted -= OnEvent;
        _watcher.Renamed -= OnEvent;
        _watcher.Error -= OnError;
        _watcher.Dispose();
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => _changed();

    private void OnError(object sender, ErrorEventArgs e)
    {
        _failed(e.GetException());
        _changed();
    }
}

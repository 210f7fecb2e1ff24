using SecretRotation.Engine;

namespace SecretRotation.MountedVolumes;

/// <summary>
/// What the two mounted readers share (<see cref="MountedSecretsReader"/>, a key-per-file directory, and
/// <see cref="RenderedSecretsFileReader"/>, one rendered file): the name, the <see cref="VolumeWatch"/> the reader owns
/// (the engine only subscribes; each read is reported to it; the reader's <see cref="Dispose"/> ends it), and the check
/// that the path exists and is of the right kind before each read.
/// </summary>
/// <remarks>No lock: the engine reads one at a time; <see cref="VolumeWatch"/> guards its own state.</remarks>
internal abstract class MountedVolumeReader : ISecretSource, IWatchesCompleteChanges
{
    private readonly string _path;
    private readonly bool _readsDirectory;
    private readonly VolumeWatch? _watch;

    /// <param name="path">The full path read: the directory, or the file.</param>
    /// <param name="readsDirectory">Whether <paramref name="path"/> must be a directory (else a file).</param>
    /// <param name="name">The source's name in logs and errors.</param>
    /// <param name="watchedDirectory">The directory to watch when <paramref name="useFileWatcher"/> is set.</param>
    /// <param name="recursive">Whether the watch covers sub-directories.</param>
    /// <param name="useFileWatcher">Whether to watch at all (polling stays on either way).</param>
    protected MountedVolumeReader(string path, bool readsDirectory, string name, string watchedDirectory, bool recursive, bool useFileWatcher)
    {
        _path = path;
        _readsDirectory = readsDirectory;
        Name = name;
        _watch = useFileWatcher ? new VolumeWatch(watchedDirectory, recursive, name) : null;
    }

    public string Name { get; }

    public IDisposable? Watch(Action changed) => _watch?.Start(changed);

    /// <summary>Like <see cref="Watch(Action)"/>; the kubelet's <c>..data</c> rename goes to <paramref name="completed"/>.</summary>
    public IDisposable? Watch(Action changed, Action completed) => _watch?.Start(changed, completed);

    public Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.IsPollOnly && IsUnchangedSinceLastRead())
        {
            // The cheap check resolved a path inside the directory, so it exists: no second look-up.
            _watch?.OnRead(request.Logger, directoryExists: true);
            return Task.FromResult(request.Previous);
        }

        _watch?.OnRead(request.Logger);
        MountedPathKind.ThrowIfMissingOrWrongKind(_path, _readsDirectory);
        return Task.FromResult(Read(request));
    }

    public void Dispose() => _watch?.Dispose();

    /// <summary>
    /// For a poll: whether a check far cheaper than <see cref="Read"/> shows that nothing changed since the last successful
    /// read (and the path is still there). <see langword="false"/> means "read".
    /// </summary>
    protected virtual bool IsUnchangedSinceLastRead() => false;

    /// <summary>Reads the path, which existed and was of the right kind a moment ago.</summary>
    protected abstract SecretSet Read(SecretReadRequest request);
}

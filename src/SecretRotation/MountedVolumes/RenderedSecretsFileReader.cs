using SecretRotation.Shared;

namespace SecretRotation.MountedVolumes;

/// <summary>Reads one rendered secrets file (JSON or KEY=VALUE) and maps its keys to configuration keys.</summary>
internal sealed class RenderedSecretsFileReader : ISecretSource
{
    private readonly string _path;
    private readonly string _directory;
    private readonly RenderedSecretsFormat _format;
    private readonly string? _keyPrefix;
    private readonly long _maxFileSize;
    private readonly VolumeWatch? _watch;

    private FileStamp? _lastStamp;

    public RenderedSecretsFileReader(MountedSecretsFileSource source)
    {
        _path = Path.GetFullPath(source.Path!);
        _directory = Path.GetDirectoryName(_path) ?? "/";
        _format = source.Format != RenderedSecretsFormat.Auto
            ? source.Format
            : string.Equals(Path.GetExtension(_path), ".json", StringComparison.OrdinalIgnoreCase) ? RenderedSecretsFormat.Json : RenderedSecretsFormat.KeyValue;
        _keyPrefix = source.KeyPrefix;
        _maxFileSize = source.MaxFileSize;
        Name = $"file:{_path}";

        // The directory, not the file: renames into it and the kubelet's ..data swap happen there.
        _watch = source.UseFileWatcher ? new VolumeWatch(_directory, recursive: false, Name) : null;
    }

    public string Name { get; }

    public IDisposable? Watch(Action changed) => _watch?.Start(changed);

    public Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _watch?.OnRead(request.Logger);
        if (!File.Exists(_path))
        {
            if (Directory.Exists(_path))
            {
                throw new IOException(MountedPathKind.DirectoryGivenForFile(_path));
            }

            throw new FileNotFoundException($"The rendered secrets file '{_path}' does not exist.");
        }

        var real = PathResolver.GetRealPath(_path);
        var directoryReal = PathResolver.GetRealPath(_directory);
        if (!PathResolver.IsWithin(real, directoryReal))
        {
            throw new IOException($"'{_path}' is a link that resolves outside its directory.");
        }

        var info = new FileInfo(real);
        var stamp = new FileStamp(real, info.Length, info.LastWriteTimeUtc.Ticks);
        if (request.IsPollOnly && _lastStamp == stamp)
        {
            return Task.FromResult(request.Previous);
        }

        using var handle = RegularFile.OpenInside(real, directoryReal, out var kind)
            ?? throw new IOException($"'{_path}' is not a regular file (it is a {kind}); only regular files are read.");
        var bytes = SecretFile.ReadCapped(handle, _maxFileSize)
            ?? throw new IOException($"'{_path}' is larger than the {_maxFileSize}-byte limit.");
        var pairs = _format == RenderedSecretsFormat.Json
            ? JsonSecretsParser.Parse(bytes, _path)
            : KeyValueSecretsParser.Parse(SecretFile.Decode(bytes, trimTrailingNewline: false), _path);

        var entries = new Dictionary<string, SecretEntry>(pairs.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in pairs)
        {
            entries[ConfigurationKeys.WithPrefix(_keyPrefix, key)] = new SecretEntry(value);
        }

        _lastStamp = stamp;
        return Task.FromResult(new SecretSet(entries));
    }

    public void Dispose() => _watch?.Dispose();
}

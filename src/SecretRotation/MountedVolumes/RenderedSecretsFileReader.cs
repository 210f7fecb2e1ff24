using SecretRotation.Shared;

namespace SecretRotation.MountedVolumes;

/// <summary>Reads one rendered secrets file (JSON or KEY=VALUE) and maps its keys to configuration keys.</summary>
internal sealed class RenderedSecretsFileReader : MountedVolumeReader
{
    private readonly string _path;
    private readonly string _directory;
    private readonly RenderedSecretsFormat _format;
    private readonly string? _keyPrefix;
    private readonly long _maxFileSize;

    private FileStamp? _lastStamp;

    public RenderedSecretsFileReader(MountedSecretsFileSource source)
        : this(source, Path.GetFullPath(source.Path!))
    {
    }

    // The directory, not the file, is watched: renames into it and the kubelet's ..data swap happen there.
    private RenderedSecretsFileReader(MountedSecretsFileSource source, string path)
        : base(path, readsDirectory: false, $"file:{path}", watchedDirectory: Path.GetDirectoryName(path) ?? "/", recursive: false, source.UseFileWatcher)
    {
        _path = path;
        _directory = Path.GetDirectoryName(_path) ?? "/";
        _format = source.Format != RenderedSecretsFormat.Auto
            ? source.Format
            : string.Equals(Path.GetExtension(_path), ".json", StringComparison.OrdinalIgnoreCase) ? RenderedSecretsFormat.Json : RenderedSecretsFormat.KeyValue;
        _keyPrefix = source.KeyPrefix;
        _maxFileSize = source.MaxFileSize;
    }

    protected override SecretSet Read(SecretReadRequest request)
    {
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
            return request.Previous;
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
        return new SecretSet(entries);
    }
}

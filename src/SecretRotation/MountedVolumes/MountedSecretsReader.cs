using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.Diagnostics;

namespace SecretRotation.MountedVolumes;

/// <summary>
/// Reads a key-per-file secret directory: the kubelet / CSI layout (a <c>..data</c> link to a timestamped directory,
/// read entirely through one resolved target) or a plain directory (files written in place or renamed in).
/// </summary>
/// <remarks>
/// A poll of the kubelet layout only reads the <c>..data</c> link (one <c>readlink</c>): the kubelet never changes a
/// published directory, it publishes a new one and renames <c>..data</c> to it, so the same target means the same content
/// (an in-place edit inside the published directory is still seen by the watcher, not by the poll). A directory without
/// <c>..data</c> (a CSI driver without the atomic writer, a plain folder, NFS), or one whose <c>..data</c> went away, is
/// walked and every file's size and time compared, as before.
/// </remarks>
internal sealed class MountedSecretsReader : MountedVolumeReader
{
    internal const string DataLinkName = "..data";

    /// <summary>How often a read restarts because the kubelet swapped <c>..data</c> under it, before it gives up.</summary>
    private const int MaxAttempts = 5;

    /// <summary>Symbolic links to directories are followed at most this deep (a guard against cycles).</summary>
    private const int MaxDepth = 16;

    private static readonly EnumerationOptions ListOneLevel = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly string _root;
    private readonly string? _keyPrefix;
    private readonly long _maxFileSize;
    private readonly bool _trimTrailingNewline;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    private FileStamp[]? _lastStamps;

    /// <summary>The <c>..data</c> target of the last successful read, or <see langword="null"/> (none yet, failed, or no <c>..data</c>).</summary>
    private string? _lastDataTarget;

    public MountedSecretsReader(MountedSecretsSource source)
        : this(source, Path.GetFullPath(source.Path!))
    {
    }

    private MountedSecretsReader(MountedSecretsSource source, string root)
        : base(root, readsDirectory: true, $"mounted:{root}", watchedDirectory: root, recursive: true, source.UseFileWatcher)
    {
        _root = root;
        _keyPrefix = source.KeyPrefix;
        _maxFileSize = source.MaxFileSize;
        _trimTrailingNewline = source.TrimTrailingNewline;
    }

    /// <summary>How many times the directory was listed (a full walk). For tests.</summary>
    internal int DirectoryWalks { get; private set; }

    /// <summary>A poll of the kubelet layout: <c>..data</c> still names the directory the last successful read came from.</summary>
    protected override bool IsUnchangedSinceLastRead() =>
        _lastDataTarget is { } last && string.Equals(ReadDataLink(), last, StringComparison.Ordinal);

    /// <summary>Reads the directory through one resolved <c>..data</c> target, again if the kubelet swapped it meanwhile.</summary>
    protected override SecretSet Read(SecretReadRequest request)
    {
        // Set again only when this read succeeds: a poll never trusts a target that was not read through.
        _lastDataTarget = null;
        for (var attempt = 1; ; attempt++)
        {
            var dataTarget = ReadDataLink();
            SecretSet set;
            try
            {
                set = ReadOnce(request, dataTarget);
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException
                && dataTarget is not null && attempt < MaxAttempts && dataTarget != ReadDataLink())
            {
                // The kubelet swapped ..data and removed the old directory while we read it: read the new one.
                Log.DataLinkMovedDuringRead(request.Logger, Name);
                continue;
            }

            // If ..data still points where it did, every file came from one complete directory. If it moved, the old
            // directory may have been half deleted under us, which a directory listing does not report as an error.
            if (dataTarget is null || dataTarget == ReadDataLink())
            {
                _lastDataTarget = dataTarget;
                return set;
            }

            if (attempt >= MaxAttempts)
            {
                throw new IOException($"The {DataLinkName} link in '{_root}' moved during {MaxAttempts} reads in a row.");
            }

            Log.DataLinkMovedDuringRead(request.Logger, Name);
        }
    }

    /// <summary>The <c>..data</c> link's target as written (one <c>readlink</c>), or <see langword="null"/> when it is not a link or is missing.</summary>
    private string? ReadDataLink()
    {
        try
        {
            return new FileInfo(Path.Join(_root, DataLinkName)).LinkTarget;
        }
        catch (IOException) when (!Directory.Exists(_root))
        {
            // The mount went away (ENOTDIR/ENOENT on the way): the read that follows says so.
            return null;
        }
    }

    private SecretSet ReadOnce(SecretReadRequest request, string? dataTarget)
    {
        var rootReal = PathResolver.GetRealPath(_root);
        string readFrom;
        if (dataTarget is null)
        {
            readFrom = rootReal;
        }
        else
        {
            readFrom = PathResolver.GetRealPath(Path.Join(_root, DataLinkName));
            if (!PathResolver.IsWithin(readFrom, rootReal))
            {
                throw new IOException($"The {DataLinkName} link in '{_root}' resolves outside the mount.");
            }
        }

        var files = new List<SecretFileEntry>();
        DirectoryWalks++;
        Collect(request.Logger, rootReal, readFrom, readFrom, relativeKey: null, depth: 0, files);
        files.Sort(static (a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));

        var stamps = files.Select(static f => f.Stamp).ToArray();
        if (request.IsPollOnly && _lastStamps is not null && stamps.AsSpan().SequenceEqual(_lastStamps))
        {
            return request.Previous;
        }

        var entries = new Dictionary<string, SecretEntry>(files.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            using var handle = RegularFile.OpenInside(file.RealPath, rootReal, out var kind);
            if (handle is null)
            {
                WarnOnce(file.RelativePath, () => Log.NotARegularFile(request.Logger, file.RelativePath, Name, kind));
                continue;
            }

            var bytes = SecretFile.ReadCapped(handle, _maxFileSize);
            if (bytes is null)
            {
                WarnOnce(file.RelativePath, () => Log.FileTooLarge(request.Logger, file.RelativePath, Name, file.Stamp.Length, _maxFileSize));
                continue;
            }

            var key = ConfigurationKeys.WithPrefix(_keyPrefix, file.Key);
            if (!entries.TryAdd(key, new SecretEntry(SecretFile.Decode(bytes, _trimTrailingNewline), dataTarget)))
            {
                throw new IOException($"Two files in '{_root}' map to the configuration key '{key}'.");
            }
        }

        _lastStamps = stamps;
        return new SecretSet(entries);
    }

    private void Collect(ILogger logger, string rootReal, string readFrom, string directory, string? relativeKey, int depth, List<SecretFileEntry> files)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", ListOneLevel))
        {
            if (SecretRotation.Shared.SecretKeyRules.IsHidden(entry.Name))
            {
                continue;
            }

            var key = relativeKey is null
                ? ConfigurationKeys.FromSegment(entry.Name)
                : ConfigurationPath.Combine(relativeKey, ConfigurationKeys.FromSegment(entry.Name));
            // Shown and warned about as the user sees it ("password", not "..2026_…/password"), so a warning is not
            // repeated after every swap; the stamp keeps the data directory so a poll notices the swap.
            var relativePath = Path.GetRelativePath(readFrom, entry.FullName);
            var stampPath = Path.GetRelativePath(rootReal, entry.FullName);
            FileSystemInfo target = entry;
            if ((entry.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                var real = PathResolver.GetRealPath(entry.FullName);
                if (!PathResolver.IsWithin(real, rootReal))
                {
                    WarnOnce(relativePath, () => Log.LinkOutsideMount(logger, relativePath, Name));
                    continue;
                }

                target = Directory.Exists(real) ? new DirectoryInfo(real) : new FileInfo(real);
                if (!target.Exists)
                {
                    throw new FileNotFoundException($"'{relativePath}' in '{_root}' is a link to a file that does not exist.");
                }
            }

            if (target is DirectoryInfo subdirectory)
            {
                if (depth >= MaxDepth)
                {
                    throw new IOException($"'{_root}' nests directories deeper than {MaxDepth} levels.");
                }

                Collect(logger, rootReal, readFrom, subdirectory.FullName, key, depth + 1, files);
            }
            else if (target is FileInfo file)
            {
                files.Add(new SecretFileEntry(key, relativePath, file.FullName, new FileStamp(stampPath, file.Length, file.LastWriteTimeUtc.Ticks)));
            }
        }
    }

    private void WarnOnce(string relativePath, Action warn)
    {
        lock (_warned)
        {
            if (!_warned.Add(relativePath))
            {
                return;
            }
        }

        warn();
    }

    private readonly record struct SecretFileEntry(string Key, string RelativePath, string RealPath, FileStamp Stamp);
}

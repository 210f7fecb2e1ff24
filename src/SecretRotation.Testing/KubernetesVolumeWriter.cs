using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecretRotation.Testing;

/// <summary>
/// Writes a directory exactly the way the kubelet's atomic writer updates a Secret, ConfigMap or projected volume (and the
/// Secrets Store CSI driver its mounts): a new <c>..YYYY_MM_DD_HH_MM_SS.&lt;digits&gt;</c> directory, a <c>..data_tmp</c>
/// link to it renamed over <c>..data</c>, visible <c>name -&gt; ..data/name</c> links, then removal of the old directory.
/// </summary>
/// <remarks>Not thread-safe: one writer per directory, as the kubelet has.</remarks>
public sealed class KubernetesVolumeWriter
{
    /// <summary>The link the kubelet renames over to publish a new version.</summary>
    public const string DataLinkName = "..data";

    private const string DataTempLinkName = "..data_tmp";

    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a writer for <paramref name="mountPath"/>; the directory is created on the first write if needed.</summary>
    /// <param name="mountPath">The volume's mount directory.</param>
    /// <param name="timeProvider">The clock for the timestamped directory names; default <see cref="TimeProvider.System"/>.</param>
    public KubernetesVolumeWriter(string mountPath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        MountPath = Path.GetFullPath(mountPath);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The volume's mount directory.</summary>
    public string MountPath { get; }

    /// <summary>The name of the directory <c>..data</c> points to now, or <see langword="null"/> before the first write.</summary>
    public string? CurrentDataDirectory => new FileInfo(Path.Join(MountPath, DataLinkName)).LinkTarget;

    /// <summary>Publishes <paramref name="payload"/> (relative path to UTF-8 text) as the volume's new content.</summary>
    /// <returns><see langword="true"/> when a new version was published; <see langword="false"/> when the content was unchanged (only missing visible links are re-created, as the kubelet does).</returns>
    public bool Write(IReadOnlyDictionary<string, string> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Write(payload.ToDictionary(pair => pair.Key, pair => Encoding.UTF8.GetBytes(pair.Value), StringComparer.Ordinal));
    }

    /// <summary>Publishes <paramref name="payload"/> (relative path to bytes) as the volume's new content.</summary>
    /// <returns><see langword="true"/> when a new version was published; <see langword="false"/> when the content was unchanged.</returns>
    /// <exception cref="ArgumentException">A path is empty, absolute, contains <c>..</c> or starts with <c>..</c>.</exception>
    public bool Write(IReadOnlyDictionary<string, byte[]> payload)
    {
        // 1. Validate the payload.
        ArgumentNullException.ThrowIfNull(payload);
        foreach (var path in payload.Keys)
        {
            Validate(path);
        }

        Directory.CreateDirectory(MountPath);

        // 2. The old timestamped directory.
        var oldDirectoryName = CurrentDataDirectory;
        var oldDirectory = oldDirectoryName is null ? null : Path.Join(MountPath, oldDirectoryName);

        // 3-4. Which paths were removed, and did anything change?
        var oldPaths = oldDirectory is null ? [] : ListFiles(oldDirectory);
        var changed = oldDirectory is null
            || oldPaths.Count != payload.Count
            || payload.Any(pair => !oldPaths.Contains(pair.Key) || !File.ReadAllBytes(Path.Join(oldDirectory, pair.Key)).AsSpan().SequenceEqual(pair.Value));
        if (!changed)
        {
            // Nothing changed: the kubelet only re-creates missing visible links (self-heal).
            CreateVisibleLinks(payload.Keys);
            return false;
        }

        // 5. A new timestamped directory, mode 0755.
        var newDirectoryName = CreateTimestampedDirectory();
        var newDirectory = Path.Join(MountPath, newDirectoryName);

        // 6-7. The files, mode 0644.
        foreach (var (path, content) in payload)
        {
            var file = Path.Join(newDirectory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }

        // 8. ..data_tmp -> the new directory (a relative link).
        var tempLink = Path.Join(MountPath, DataTempLinkName);
        if (new FileInfo(tempLink).LinkTarget is not null)
        {
            File.Delete(tempLink);
        }

        File.CreateSymbolicLink(tempLink, newDirectoryName);

        // 9. rename(..data_tmp, ..data): the atomic step.
        NativeMethods.Rename(tempLink, Path.Join(MountPath, DataLinkName));

        // 10. Visible links for new top-level names.
        CreateVisibleLinks(payload.Keys);

        // 11. Visible entries no longer in the payload.
        var newTopLevel = payload.Keys.Select(TopLevelName).ToHashSet(StringComparer.Ordinal);
        foreach (var oldName in oldPaths.Select(TopLevelName).Distinct(StringComparer.Ordinal))
        {
            if (!newTopLevel.Contains(oldName))
            {
                File.Delete(Path.Join(MountPath, oldName));
            }
        }

        // 12. Remove the old directory.
        if (oldDirectory is not null && Directory.Exists(oldDirectory))
        {
            Directory.Delete(oldDirectory, recursive: true);
        }

        return true;
    }

    private static void Validate(string path)
    {
        if (string.IsNullOrEmpty(path) || Path.IsPathRooted(path) || path.StartsWith("..", StringComparison.Ordinal)
            || path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException($"'{path}' is not a valid volume path: it must be relative, without '..' and not start with '..'.", nameof(path));
        }
    }

    private static string TopLevelName(string path) => path.Split('/')[0];

    private static HashSet<string> ListFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(file => Path.GetRelativePath(directory, file).Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);

    private void CreateVisibleLinks(IEnumerable<string> paths)
    {
        foreach (var name in paths.Select(TopLevelName).Distinct(StringComparer.Ordinal))
        {
            var link = Path.Join(MountPath, name);
            if (new FileInfo(link).LinkTarget is null && !File.Exists(link) && !Directory.Exists(link))
            {
                File.CreateSymbolicLink(link, $"{DataLinkName}/{name}");
            }
        }
    }

    /// <summary>Like Go's os.MkdirTemp with the pattern <c>..2006_01_02_15_04_05.</c>: a UTC timestamp and random digits.</summary>
    private string CreateTimestampedDirectory()
    {
        var stamp = _timeProvider.GetUtcNow().UtcDateTime.ToString("..yyyy_MM_dd_HH_mm_ss.", CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var name = stamp + BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(sizeof(uint))).ToString(CultureInfo.InvariantCulture);
            var path = Path.Join(MountPath, name);
            if (Directory.Exists(path))
            {
                continue;
            }

            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            return name;
        }

        throw new IOException($"Could not create a new timestamped directory in '{MountPath}'.");
    }
}

using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace SecretRotation.MountedVolumes;

/// <summary>
/// Opens a secret file so that what is read is what was checked: only a regular file, never through a link swapped in
/// after the directory was listed, and only one that really lies inside the mount.
/// </summary>
/// <remarks>
/// On Linux: the entry's type is looked at without following links (a FIFO or device is never opened: opening a device
/// can have side effects), then it is opened with O_NOFOLLOW | O_NONBLOCK, the open handle's own type is checked (fstat
/// through statx), and the kernel's name for the open file (<c>/proc/self/fd/N</c>, every link resolved) must lie inside
/// the mount — which also catches a directory on the path replaced by a link. Elsewhere (not a kubelet platform) the
/// file is opened by path as .NET does.
/// </remarks>
internal static class RegularFile
{
    private const string DeletedSuffix = " (deleted)";

    /// <summary>Opens <paramref name="path"/> (a real path) for reading.</summary>
    /// <param name="path">The file's real path, as resolved when the directory was listed.</param>
    /// <param name="mountRoot">The mount's real path; the opened file must lie inside it.</param>
    /// <param name="kind">What the entry turned out to be.</param>
    /// <returns>The handle, or <see langword="null"/> when the entry is not a regular file (FIFO, socket, device, directory).</returns>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    /// <exception cref="IOException">A link was swapped in after the listing, or the opened file lies outside the mount.</exception>
    public static SafeFileHandle? OpenInside(string path, string mountRoot, out FileKind kind)
    {
        if (!OperatingSystem.IsLinux())
        {
            kind = FileKind.Regular;
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        kind = LinuxNativeMethods.GetKindNoFollow(path) ?? throw new FileNotFoundException($"'{path}' no longer exists.", path);
        if (kind == FileKind.SymbolicLink)
        {
            throw ReplacedByLink(path);
        }

        if (kind != FileKind.Regular)
        {
            return null;
        }

        var handle = LinuxNativeMethods.OpenNoFollow(path, out var errno) ?? throw OpenFailed(path, errno);
        try
        {
            kind = LinuxNativeMethods.GetKind(handle);
            if (kind != FileKind.Regular)
            {
                handle.Dispose();
                return null;
            }

            EnsureInside(handle, path, mountRoot);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    [SupportedOSPlatform("linux")]
    private static void EnsureInside(SafeFileHandle handle, string path, string mountRoot)
    {
        var opened = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
        if (opened is null)
        {
            // No /proc (never so in a pod): O_NOFOLLOW still guards the last component.
            return;
        }

        // The kubelet may remove the old data directory while a file in it is open.
        if (opened.EndsWith(DeletedSuffix, StringComparison.Ordinal))
        {
            opened = opened[..^DeletedSuffix.Length];
        }

        if (!PathResolver.IsWithin(opened, mountRoot))
        {
            throw new IOException($"'{path}' led outside '{mountRoot}' when it was opened: a directory on its path was replaced by a link after the listing.");
        }
    }

    private static IOException ReplacedByLink(string path) =>
        new($"'{path}' was replaced by a symbolic link after the directory was listed; it was not read.");

    [SupportedOSPlatform("linux")]
    private static Exception OpenFailed(string path, int errno) =>
        LinuxNativeMethods.IsLinkRefused(errno) ? ReplacedByLink(path)
        : LinuxNativeMethods.IsNotFound(errno) ? new FileNotFoundException($"'{path}' no longer exists.", path)
        : new IOException($"Could not open '{path}' (errno {errno}).");
}

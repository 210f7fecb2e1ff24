using System.Runtime.InteropServices;

namespace SecretRotation.Tests.Support;

/// <summary>
/// mkfifo(3) and rename(2) for the attack tests: .NET has no API for a FIFO, and File.Move checks the source first
/// (a rename of a link over a file or a directory must be the one atomic system call an attacker would make).
/// </summary>
internal static partial class UnixFileSystem
{
    /// <summary>0600.</summary>
    private const uint OwnerReadWrite = 0x180;

    public static void CreateFifo(string path)
    {
        if (MakeFifo(path, OwnerReadWrite) != 0)
        {
            throw new IOException($"mkfifo('{path}') failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>rename(2); returns false instead of throwing when the source is gone (ENOENT), as a racing loop expects.</summary>
    public static bool Rename(string from, string to)
    {
        if (RenameNative(from, to) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == 2 ? false : throw new IOException($"rename('{from}', '{to}') failed with errno {errno}.");
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);
}

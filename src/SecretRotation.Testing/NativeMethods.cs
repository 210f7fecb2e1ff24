using System.Runtime.InteropServices;

namespace SecretRotation.Testing;

/// <summary>
/// rename(2) itself: File.Move and Directory.Move follow a symbolic link to a directory and refuse it, but the kubelet
/// renames the link <c>..data_tmp</c> over <c>..data</c>.
/// </summary>
internal static partial class NativeMethods
{
    public static void Rename(string from, string to)
    {
        if (OperatingSystem.IsWindows())
        {
            // As the kubelet does on Windows: remove and re-create (not atomic).
            var target = new FileInfo(from).LinkTarget!;
            Directory.Delete(to);
            Directory.CreateSymbolicLink(to, target);
            Directory.Delete(from);
            return;
        }

        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"rename('{from}', '{to}') failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);
}

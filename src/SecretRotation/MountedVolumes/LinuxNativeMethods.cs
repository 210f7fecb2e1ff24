using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace SecretRotation.MountedVolumes;

/// <summary>
/// open(2) and statx(2) from libc, for what .NET does not offer: opening without following a link and without blocking
/// on a FIFO, and the file type of an open handle. statx, not fstat: its buffer has one layout on every architecture
/// (struct stat differs between x86_64 and arm64), and glibc has it since 2.28, musl since 1.2.5.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class LinuxNativeMethods
{
    private const int ReadOnly = 0;
    private const int NoControllingTerminal = 0x100;   // O_NOCTTY
    private const int NonBlocking = 0x800;             // O_NONBLOCK: a FIFO opens at once instead of waiting for a writer
    private const int CloseOnExec = 0x80000;           // O_CLOEXEC

    private const int CurrentDirectory = -100;         // AT_FDCWD
    private const int SymbolicLinkNoFollow = 0x100;    // AT_SYMLINK_NOFOLLOW
    private const int EmptyPath = 0x1000;              // AT_EMPTY_PATH: stat the descriptor itself
    private const uint TypeMask = 0x1;                 // STATX_TYPE
    private const int StatxBufferSize = 256;           // sizeof(struct statx)
    private const int StatxModeOffset = 28;            // offsetof(struct statx, stx_mode), a __u16

    private const int Enoent = 2;
    private const int Eloop = 40;

    /// <summary>
    /// O_NOFOLLOW is 0100000 where the kernel's asm/fcntl.h overrides it (arm, arm64, powerpc) and 0400000 in the generic
    /// header every other architecture uses (x86, x86_64, s390x, riscv64, loongarch64).
    /// </summary>
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture
        is Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 or Architecture.Ppc64le ? 0x8000 : 0x20000;

    /// <summary>
    /// Opens <paramref name="path"/> for reading with O_NOFOLLOW (a link as the last component fails with ELOOP) and
    /// O_NONBLOCK (a FIFO does not wait for a writer).
    /// </summary>
    /// <returns>The handle, or the errno when the call failed.</returns>
    public static SafeFileHandle? OpenNoFollow(string path, out int errno)
    {
        var descriptor = Open(path, ReadOnly | NoFollow | NonBlocking | CloseOnExec | NoControllingTerminal);
        if (descriptor < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>The kind of the open file itself (fstat, not a second look-up by path).</summary>
    public static FileKind GetKind(SafeFileHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return GetKind((int)handle.DangerousGetHandle(), string.Empty, EmptyPath, out var errno)
                ?? throw new IOException($"statx on an open file failed with errno {errno}.");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The kind of <paramref name="path"/> itself, not following a link (lstat); <see langword="null"/> when it does not exist.</summary>
    public static FileKind? GetKindNoFollow(string path)
    {
        var kind = GetKind(CurrentDirectory, path, SymbolicLinkNoFollow, out var errno);
        return kind is not null || errno == Enoent
            ? kind
            : throw new IOException($"statx('{path}') failed with errno {errno}.");
    }

    /// <summary>Whether <paramref name="errno"/> says the last component was a symbolic link (ELOOP under O_NOFOLLOW).</summary>
    public static bool IsLinkRefused(int errno) => errno == Eloop;

    /// <summary>Whether <paramref name="errno"/> says the path does not exist (ENOENT).</summary>
    public static bool IsNotFound(int errno) => errno == Enoent;

    private static FileKind? GetKind(int directory, string path, int flags, out int errno)
    {
        Span<byte> buffer = stackalloc byte[StatxBufferSize];
        buffer.Clear();
        int result;
        try
        {
            result = Statx(directory, path, flags, TypeMask, ref MemoryMarshal.GetReference(buffer));
        }
        catch (EntryPointNotFoundException exception)
        {
            throw new PlatformNotSupportedException("Reading mounted secrets needs statx from the C library (glibc 2.28 or later, musl 1.2.5 or later).", exception);
        }

        if (result != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        var mode = MemoryMarshal.Read<ushort>(buffer[StatxModeOffset..]);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Unknown,
        };
    }

    // open is variadic in C; without O_CREAT the mode argument is never read, and on Linux (x86_64, arm64) the fixed
    // arguments of a variadic call are passed exactly as in a normal call.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);
}

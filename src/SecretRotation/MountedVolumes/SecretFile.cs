using Microsoft.Win32.SafeHandles;
using SecretRotation.Shared;

namespace SecretRotation.MountedVolumes;

/// <summary>Reads one secret file with a size cap.</summary>
internal static class SecretFile
{
    /// <summary>Reads the file's bytes, or returns <see langword="null"/> when it holds more than <paramref name="maxBytes"/>.</summary>
    /// <remarks>Any positive <paramref name="maxBytes"/> works (none overflows); what can be read is bounded by the largest array.</remarks>
    public static byte[]? ReadCapped(SafeFileHandle handle, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var length = RandomAccess.GetLength(handle);
        if (length > maxBytes)
        {
            return null;
        }

        // Reading one byte past the cap tells a file over it; computed in long so a cap near long.MaxValue cannot overflow.
        var bufferLimit = (int)Math.Min(maxBytes, Array.MaxLength - 1L) + 1;

        // One byte more than expected, so a file that grew since the stat is noticed.
        var buffer = new byte[(int)Math.Min(length + 1, bufferLimit)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length == bufferLimit)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, bufferLimit));
            }

            var read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total == buffer.Length ? buffer : buffer.AsSpan(0, total).ToArray();
    }

    /// <summary>Decodes UTF-8 (dropping a byte-order mark) and trims one trailing <c>\n</c> or <c>\r\n</c> if asked.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, bool trimTrailingNewline) => SecretKeyRules.Decode(bytes, trimTrailingNewline);
}

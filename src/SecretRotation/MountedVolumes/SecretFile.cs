using System.Text;

namespace SecretRotation.MountedVolumes;

/// <summary>Reads one secret file with a size cap.</summary>
internal static class SecretFile
{
    /// <summary>Reads the file's bytes, or returns <see langword="null"/> when it holds more than <paramref name="maxBytes"/>.</summary>
    public static byte[]? ReadCapped(string path, long maxBytes)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        if (length > maxBytes)
        {
            return null;
        }

        // One byte more than expected, so a file that grew since the stat is noticed.
        var buffer = new byte[(int)Math.Min(length + 1, maxBytes + 1)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length > maxBytes)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, maxBytes + 1));
            }

            var read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        if (total > maxBytes)
        {
            return null;
        }

        return total == buffer.Length ? buffer : buffer.AsSpan(0, total).ToArray();
    }

    /// <summary>Decodes UTF-8 (dropping a byte-order mark) and trims one trailing <c>\n</c> or <c>\r\n</c> if asked.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, bool trimTrailingNewline)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        if (trimTrailingNewline && bytes.EndsWith("\n"u8))
        {
            bytes = bytes[..^1];
            if (bytes.EndsWith("\r"u8))
            {
                bytes = bytes[..^1];
            }
        }

        return Encoding.UTF8.GetString(bytes);
    }
}

using System.Text;
using Microsoft.Extensions.Configuration;

namespace SecretRotation.Shared;

/// <summary>
/// The key and value rules of a key-per-file secret volume, shared by every source that maps a Kubernetes Secret's keys
/// (the mounted volume source and the API watch source), so switching between them changes no key and no value. Shared
/// source: compiled into each package that needs it, so no package exposes it.
/// </summary>
internal static class SecretKeyRules
{
    /// <summary>Whether a name is hidden: dot-named entries (<c>..data</c>, <c>.git</c>) are never keys.</summary>
    public static bool IsHidden(string name) => name.StartsWith('.');

    /// <summary>Turns one name segment into key form: <c>__</c> becomes <c>:</c>.</summary>
    public static string FromSegment(string segment) => segment.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    /// <summary>Puts <paramref name="key"/> under <paramref name="prefix"/> (a section such as <c>Db</c>), if there is one.</summary>
    public static string WithPrefix(string? prefix, string key) =>
        string.IsNullOrEmpty(prefix) ? key : ConfigurationPath.Combine(prefix, key);

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

using System.Security.Cryptography;
using System.Text;

namespace AksSample;

/// <summary>A short, one-way fingerprint of a secret: enough to see that it changed, never enough to show it.</summary>
public static class SecretFingerprint
{
    /// <summary>How many hex characters of the SHA-256 digest are kept.</summary>
    public const int Length = 12;

    /// <summary>The first <see cref="Length"/> hex characters of SHA-256 of the UTF-8 bytes, or <see langword="null"/> when not set.</summary>
    public static string? Of(string? value) =>
        value is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..Length];
}

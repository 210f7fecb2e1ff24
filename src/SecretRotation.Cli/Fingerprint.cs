using System.Security.Cryptography;
using System.Text;

namespace SecretRotation.Cli;

/// <summary>A short, one-way fingerprint of a secret: enough to see that it changed, never enough to show it.</summary>
internal static class Fingerprint
{
    /// <summary>How many hex characters of the SHA-256 digest are kept.</summary>
    public const int Length = 12;

    /// <summary>The first <see cref="Length"/> lower-case hex characters of SHA-256 of the UTF-8 bytes of <paramref name="value"/>.</summary>
    public static string Of(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..Length];
}

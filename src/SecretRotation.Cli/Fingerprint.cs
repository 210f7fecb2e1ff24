using System.Security.Cryptography;
using System.Text;

namespace SecretRotation.Cli;

/// <summary>
/// A short, one-way fingerprint of a secret: enough to see that it changed, never enough to show it. It is an HMAC-SHA256 under a
/// random key drawn once per process, so fingerprints compare within one run of the tool, but a printed one cannot be matched
/// against guesses offline (a plain hash of a PIN or a common password can, in seconds), and the same value prints differently in
/// another run.
/// </summary>
internal static class Fingerprint
{
    /// <summary>How many hex characters of the HMAC are kept.</summary>
    public const int Length = 12;

    /// <summary>The size of the random key in bytes (256 bits).</summary>
    public const int KeySize = 32;

    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>The first <see cref="Length"/> lower-case hex characters of HMAC-SHA256, under this process's key, of the UTF-8 bytes of <paramref name="value"/>.</summary>
    public static string Of(string value) => Of(value, ProcessKey);

    /// <summary>The fingerprint of <paramref name="value"/> under <paramref name="key"/> (tests compare keys).</summary>
    public static string Of(string value, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)))[..Length];
    }
}

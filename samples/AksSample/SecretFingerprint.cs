using System.Security.Cryptography;
using System.Text;

namespace AksSample;

/// <summary>
/// A short, one-way fingerprint of a secret: enough to see that it changed, never enough to show it. It is an HMAC-SHA256 under a
/// random key drawn once per process (as the <c>secret-rotation</c> tool does), so fingerprints compare within one run of the app,
/// but a shown one cannot be matched against guesses offline, and another pod or a restart shows other fingerprints.
/// </summary>
public static class SecretFingerprint
{
    /// <summary>How many hex characters of the HMAC are kept.</summary>
    public const int Length = 12;

    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The first <see cref="Length"/> hex characters of HMAC-SHA256 (this process's key) of the UTF-8 bytes, or <see langword="null"/> when not set.</summary>
    public static string? Of(string? value) =>
        value is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(ProcessKey, Encoding.UTF8.GetBytes(value)))[..Length];
}

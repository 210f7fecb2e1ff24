using System.Security.Cryptography.X509Certificates;

namespace SecretRotation.AspNetCore.Certificates;

/// <summary>A certificate loaded from a configuration value: the leaf with its private key, and the value's hash.</summary>
internal sealed class ParsedCertificate(X509Certificate2 certificate, byte[] hash, long generation)
{
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>SHA-256 of the value and password it was loaded from.</summary>
    public byte[] Hash { get; } = hash;

    public long Generation { get; } = generation;
}

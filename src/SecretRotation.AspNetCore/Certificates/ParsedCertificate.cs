using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SecretRotation.AspNetCore.Certificates;

/// <summary>
/// A certificate loaded from a configuration value: the leaf with its private key, the chain that came with it (built into
/// an offline <see cref="SslStreamCertificateContext"/> once, not per handshake), and the value's hash.
/// </summary>
internal sealed class ParsedCertificate(X509Certificate2 certificate, X509Certificate2Collection intermediates, byte[] hash, long generation)
{
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>The leaf and the intermediates of the value, for TLS: sent in each handshake without a chain build.</summary>
    public SslStreamCertificateContext Context { get; } = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);

    public X509Certificate2Collection Intermediates { get; } = intermediates;

    /// <summary>SHA-256 of the value and password it was loaded from.</summary>
    public byte[] Hash { get; } = hash;

    public long Generation { get; } = generation;

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var intermediate in Intermediates)
        {
            intermediate.Dispose();
        }
    }
}

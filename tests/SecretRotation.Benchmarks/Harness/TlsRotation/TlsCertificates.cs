using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretRotation.Benchmarks.Harness.TlsRotation;

/// <summary>Self-signed ECDSA P-256 certificates for 127.0.0.1 in Key Vault's certificate-secret formats; the load trusts exactly these.</summary>
internal static class TlsCertificates
{
    private static readonly ConcurrentDictionary<string, byte> Issued = new(StringComparer.OrdinalIgnoreCase);

    public static bool IsOurs(X509Certificate? certificate) => certificate is not null && Issued.ContainsKey(certificate.GetCertHashString());

    /// <summary>A new certificate as a Key Vault certificate secret: (value, content type, thumbprint). Odd numbers PEM, even PFX.</summary>
    public static (string Value, string ContentType, string Thumbprint) NewSecret(int number)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=rotation-{number}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        Issued.TryAdd(certificate.Thumbprint, 0);
        return number % 2 == 1
            ? (key.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n", "application/x-pem-file", certificate.Thumbprint)
            : (Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12)), "application/x-pkcs12", certificate.Thumbprint);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

/// <summary>Self-signed ECDSA P-256 certificates for 127.0.0.1 (fast to make), in the formats Key Vault stores them.</summary>
internal static class TestCertificates
{
    private static readonly ConcurrentDictionary<string, byte> Issued = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a certificate a peer presented is one these helpers made (the tests' trust anchor).</summary>
    public static bool IsOurs(X509Certificate? certificate) =>
        certificate is not null && Issued.ContainsKey(certificate.GetCertHashString());

    public static X509Certificate2 Create(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(1));
        Issued.TryAdd(certificate.Thumbprint, 0);
        return certificate;
    }

    /// <summary>Base64 PKCS#12 with no password, as Key Vault's <c>application/x-pkcs12</c> certificate secret.</summary>
    public static string Pfx(X509Certificate2 certificate, string? password = null) =>
        Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12, password));

    /// <summary>Private key then certificate, as Key Vault's <c>application/x-pem-file</c> certificate secret.</summary>
    public static string Pem(X509Certificate2 certificate) =>
        certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n";

    /// <summary>The certificate alone, base64 PKCS#12 without its key.</summary>
    public static string PfxWithoutKey(X509Certificate2 certificate)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        return Convert.ToBase64String(publicOnly.Export(X509ContentType.Pkcs12));
    }

    /// <summary>The private key's PKCS#8 text, the part of a value that must never leak.</summary>
    public static string PrivateKeyBase64(X509Certificate2 certificate) =>
        Convert.ToBase64String(certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey());
}

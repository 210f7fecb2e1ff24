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

    /// <summary>A leaf (with its key) issued by an intermediate CA issued by a root CA, as a public CA's certificate comes.</summary>
    public static (X509Certificate2 Leaf, X509Certificate2 Intermediate) CreateChained(string name)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={name} root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var root = rootRequest.CreateSelfSigned(now.AddHours(-2), now.AddDays(2));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest($"CN={name} intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var intermediatePublic = intermediateRequest.Create(root, now.AddHours(-2), now.AddDays(2), [1, 2, 3, 4]);
        using var intermediateWithKey = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest($"CN={name}", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(san.Build());
        using var leafPublic = leafRequest.Create(intermediateWithKey, now.AddHours(-1), now.AddDays(1), [5, 6, 7, 8]);
        var leaf = leafPublic.CopyWithPrivateKey(leafKey);
        Issued.TryAdd(leaf.Thumbprint, 0);
        return (leaf, X509CertificateLoader.LoadCertificate(intermediatePublic.RawData));
    }

    /// <summary>Base64 PKCS#12 of the leaf with its key and the intermediate, as Key Vault stores a CA-issued certificate.</summary>
    public static string PfxWithChain(X509Certificate2 leaf, X509Certificate2 intermediate) =>
        Convert.ToBase64String(new X509Certificate2Collection { leaf, intermediate }.Export(X509ContentType.Pkcs12)!);

    /// <summary>The private key, the leaf, then the intermediate, as Key Vault's PEM of a CA-issued certificate.</summary>
    public static string PemWithChain(X509Certificate2 leaf, X509Certificate2 intermediate) =>
        Pem(leaf) + intermediate.ExportCertificatePem() + "\n";

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

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretRotation.AspNetCore.Certificates;

/// <summary>
/// Loads a certificate with its private key from a configuration value in either format Key Vault gives a certificate's
/// secret: base64 PKCS#12 (<c>application/x-pkcs12</c>) or PEM (<c>application/x-pem-file</c>: the private key, then the
/// leaf certificate and its chain). Nothing of the value reaches an exception or a log: failures are a
/// <see cref="CertificateRejection"/>.
/// </summary>
internal static class CertificateParser
{
    /// <summary>Bigger values are refused unparsed (a certificate with its chain is a few KiB).</summary>
    internal const int MaxValueLength = 1024 * 1024;

    public static CertificateRejection TryParse(string? value, string? password, DateTimeOffset now, out X509Certificate2? certificate, out X509Certificate2Collection intermediates)
    {
        certificate = null;
        intermediates = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            return CertificateRejection.Missing;
        }

        if (value.Length > MaxValueLength)
        {
            return CertificateRejection.Malformed;
        }

        X509Certificate2 loaded;
        try
        {
            var trimmed = value.AsSpan().Trim();
            if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
            {
                if (!HasPrivateKeyBlock(trimmed, out var encrypted))
                {
                    return CertificateRejection.NoPrivateKey;
                }

                loaded = encrypted
                    ? X509Certificate2.CreateFromEncryptedPem(trimmed, trimmed, password ?? "")
                    : X509Certificate2.CreateFromPem(trimmed, trimmed);
                var all = new X509Certificate2Collection();
                all.ImportFromPem(trimmed);
                Split(all, loaded.Thumbprint, intermediates);
                if (OperatingSystem.IsWindows())
                {
                    // SChannel cannot use the ephemeral key CreateFromPem gives: round-trip through PKCS#12.
                    using var ephemeral = loaded;
                    loaded = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
                }
            }
            else
            {
                var bytes = new byte[trimmed.Length * 3 / 4 + 3];
                if (!Convert.TryFromBase64Chars(trimmed, bytes, out var written))
                {
                    return CertificateRejection.Malformed;
                }

                var flags = OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;
                var all = X509CertificateLoader.LoadPkcs12Collection(bytes.AsSpan(0, written), password, flags);
                var leaf = all.FirstOrDefault(static candidate => candidate.HasPrivateKey);
                if (leaf is null)
                {
                    Dispose(all);
                    return CertificateRejection.NoPrivateKey;
                }

                loaded = leaf;
                Split(all, leaf.Thumbprint, intermediates, keep: leaf);
            }
        }
        catch (CryptographicException)
        {
            return CertificateRejection.Malformed;
        }
        catch (ArgumentException)
        {
            return CertificateRejection.Malformed;
        }

        var rejection = !loaded.HasPrivateKey ? CertificateRejection.NoPrivateKey
            : now > loaded.NotAfter ? CertificateRejection.Expired
            : now < loaded.NotBefore ? CertificateRejection.NotYetValid
            : CertificateRejection.None;
        if (rejection != CertificateRejection.None)
        {
            loaded.Dispose();
            Dispose(intermediates);
            intermediates = [];
            return rejection;
        }

        certificate = loaded;
        return CertificateRejection.None;
    }

    /// <summary>Moves every certificate but the leaf into <paramref name="intermediates"/>; disposes the leaf's duplicates.</summary>
    private static void Split(X509Certificate2Collection all, string leafThumbprint, X509Certificate2Collection intermediates, X509Certificate2? keep = null)
    {
        foreach (var candidate in all)
        {
            if (ReferenceEquals(candidate, keep))
            {
                continue;
            }

            if (string.Equals(candidate.Thumbprint, leafThumbprint, StringComparison.OrdinalIgnoreCase))
            {
                candidate.Dispose();
            }
            else
            {
                intermediates.Add(candidate);
            }
        }
    }

    private static void Dispose(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    private static bool HasPrivateKeyBlock(ReadOnlySpan<char> pem, out bool encrypted)
    {
        encrypted = false;
        var rest = pem;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (label.SequenceEqual("ENCRYPTED PRIVATE KEY"))
            {
                encrypted = true;
                return true;
            }

            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                return true;
            }

            rest = rest[fields.Location.End.Value..];
        }

        return false;
    }
}

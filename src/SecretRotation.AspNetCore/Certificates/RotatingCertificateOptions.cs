namespace SecretRotation;

/// <summary>Settings of a <see cref="RotatingCertificate"/>: where its value is in the configuration and how long a replaced one lives.</summary>
public sealed class RotatingCertificateOptions
{
    /// <summary>
    /// The configuration key whose value is the certificate with its private key, as Key Vault stores a certificate's secret:
    /// base64 PKCS#12/PFX (content type <c>application/x-pkcs12</c>) or PEM with the private key and the certificate(s)
    /// (<c>application/x-pem-file</c>). The Key Vault source maps the secret <c>Tls--Certificate</c> to <c>Tls:Certificate</c>.
    /// </summary>
    public string CertificateKey { get; set; } = "";

    /// <summary>
    /// An optional configuration key whose value is the password of the PFX (or of an encrypted PEM private key). Key Vault's
    /// certificate secrets have none.
    /// </summary>
    /// <value>Default <see langword="null"/>: no password.</value>
    public string? PasswordKey { get; set; }

    /// <summary>
    /// How long a replaced certificate is kept before it is disposed, so a TLS handshake that picked it just before the swap
    /// finishes with it. Connections already established do not need it. For client certificates, also how long the replaced
    /// <see cref="SocketsHttpHandler"/> waits for its requests before it is disposed anyway.
    /// </summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for validity checks and the drain timeout.</summary>
    /// <value>Default <see langword="null"/>: the <see cref="System.TimeProvider"/> registered in DI, else <see cref="TimeProvider.System"/>.</value>
    public TimeProvider? TimeProvider { get; set; }
}

namespace SecretRotation.AspNetCore.Certificates;

/// <summary>Why a certificate value was not used; the text goes into logs and metric tags (never the value).</summary>
internal enum CertificateRejection
{
    None,
    Missing,
    Malformed,
    NoPrivateKey,
    Expired,
    NotYetValid,
}

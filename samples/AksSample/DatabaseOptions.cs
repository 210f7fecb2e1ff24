namespace AksSample;

/// <summary>
/// The database credentials, bound from the <c>Database</c> section: files User, Password, ConnectionString (and ApiKey) in
/// the volume, the <c>Database</c> object of a rendered file (Vault Agent), Key Vault secrets
/// <c>aks-sample--Database--User</c>, <c>aks-sample--Database--Password</c>, ..., or the fields of the HashiCorp Vault KV
/// secret <c>secret/aks-sample/db</c> (<c>User</c>, <c>Password</c>, ...; keys are case-insensitive).
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public string? User { get; set; }

    public string? Password { get; set; }

    public string? ConnectionString { get; set; }

    /// <summary>The database API key. In the local demo it comes from the Key Vault emulator (<c>aks-sample--Database--ApiKey</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// A data encryption key. In the local demo it comes from the HashiCorp Vault emulator's KV v2 secret
    /// <c>secret/aks-sample/db</c> (field <c>EncryptionKey</c>), so that it rotates on Vault's clock without hiding the others.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>
    /// A token signing key. In the local demo it comes from a Kubernetes Secret read through the API and watched (the Kubernetes
    /// API emulator's <c>demo/aks-sample-signing</c>, key <c>SigningKey</c>), so a rotation shows within milliseconds.
    /// </summary>
    public string? SigningKey { get; set; }
}

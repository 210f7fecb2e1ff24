namespace AksSample;

/// <summary>
/// The database credentials, bound from the <c>Database</c> section: files User, Password, ConnectionString (and ApiKey) in
/// the volume, or Key Vault secrets <c>aks-sample--Database--User</c>, <c>aks-sample--Database--Password</c>, ...
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public string? User { get; set; }

    public string? Password { get; set; }

    public string? ConnectionString { get; set; }

    /// <summary>The database API key. In the local demo it comes from the Key Vault emulator (<c>aks-sample--Database--ApiKey</c>).</summary>
    public string? ApiKey { get; set; }
}

namespace AksSample;

/// <summary>
/// Dynamic database credentials, bound from the <c>DynamicDatabase</c> section: the <c>username</c> and <c>password</c> fields
/// HashiCorp Vault's database secrets engine returns for <c>database/creds/{role}</c> (<c>Vault:DatabaseCredsPath</c>). Each
/// read issues a new pair with a lease; the source renews the lease and reads a new pair before the lease's max TTL ends.
/// </summary>
public sealed class DynamicDatabaseOptions
{
    public const string SectionName = "DynamicDatabase";

    /// <summary>The user Vault created for this lease (e.g. <c>v-kubernet-aks-samp-...</c>).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }
}

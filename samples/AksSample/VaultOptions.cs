using SecretRotation;

namespace AksSample;

/// <summary>
/// Reading HashiCorp Vault in-process, bound from the <c>Vault</c> section (env vars <c>Vault__Address</c>, <c>Vault__Role</c>,
/// ...). The KV v2 secret <see cref="KvPath"/> fills the <c>Database</c> section (each field becomes <c>Database:&lt;field&gt;</c>),
/// and the optional dynamic credentials at <see cref="DatabaseCredsPath"/> fill <c>DynamicDatabase</c> (<c>username</c>,
/// <c>password</c>).
/// </summary>
public sealed class VaultOptions
{
    public const string SectionName = "Vault";

    /// <summary>The environment variable the Vault CLI reads; used when <see cref="Address"/> is not set.</summary>
    public const string AddressEnvironmentVariable = "VAULT_ADDR";

    /// <summary>The default Kubernetes auth role, and the role the local demo's database engine issues credentials for.</summary>
    public const string DefaultRole = "aks-sample";

    /// <summary>The default KV v2 secret, as the Vault CLI names it (without <c>data/</c>).</summary>
    public const string DefaultKvPath = "secret/aks-sample/db";

    /// <summary><see cref="AuthMethod"/>: log in with the pod's service-account token (the default).</summary>
    public const string KubernetesAuth = "kubernetes";

    /// <summary><see cref="AuthMethod"/>: use the token in <c>VAULT_TOKEN</c> (a local dev server, say).</summary>
    public const string TokenAuth = "token";

    /// <summary>The Vault server, e.g. <c>http://vault.vault.svc:8200</c>. Not set: <c>VAULT_ADDR</c>; neither: Vault is not read.</summary>
    public string? Address { get; set; }

    /// <summary><see cref="KubernetesAuth"/> (default) or <see cref="TokenAuth"/>.</summary>
    public string AuthMethod { get; set; } = KubernetesAuth;

    /// <summary>The Kubernetes auth role (<c>vault write auth/kubernetes/role/aks-sample ...</c>).</summary>
    public string Role { get; set; } = DefaultRole;

    /// <summary>Where the Kubernetes auth method is mounted, without <c>auth/</c>.</summary>
    public string AuthMountPath { get; set; } = "kubernetes";

    /// <summary>The service-account token sent at each login (read again each time, as the kubelet rotates it).</summary>
    public string JwtPath { get; set; } = HashiCorpVaultSource.DefaultServiceAccountTokenPath;

    /// <summary>The KV secret read into the <c>Database</c> section. Empty: none.</summary>
    public string? KvPath { get; set; } = DefaultKvPath;

    /// <summary>Dynamic database credentials (e.g. <c>database/creds/aks-sample</c>) read into <c>DynamicDatabase</c>. Not set: none.</summary>
    public string? DatabaseCredsPath { get; set; }

    /// <summary>How often KV v2 is polled (its metadata; the data only when the version moved). Not set: 5 minutes.</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>A PEM file of the CA certificates that signed Vault's TLS certificate. Not set: the system's trust store.</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>Whether Vault is read: <see cref="Address"/> or <c>VAULT_ADDR</c> is set.</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(Address) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(AddressEnvironmentVariable));

    /// <summary>The server, from <see cref="Address"/> or <c>VAULT_ADDR</c>, checked.</summary>
    /// <exception cref="InvalidOperationException">It is not an absolute http or https URI.</exception>
    public Uri GetAddress()
    {
        var (value, from) = string.IsNullOrWhiteSpace(Address)
            ? (Environment.GetEnvironmentVariable(AddressEnvironmentVariable), AddressEnvironmentVariable)
            : (Address, $"{SectionName}:Address");
        if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"{from} must be an absolute http or https URI such as https://vault.vault.svc:8200 (got '{value}').");
        }

        return uri;
    }

    /// <summary>The paths to read and their sections, in order: the KV secret, then the dynamic credentials.</summary>
    /// <exception cref="InvalidOperationException">Neither path is set.</exception>
    public IReadOnlyList<VaultSecretMapping> GetMappings()
    {
        var mappings = new List<VaultSecretMapping>(2);
        if (!string.IsNullOrWhiteSpace(KvPath))
        {
            mappings.Add(new VaultSecretMapping(KvPath.Trim(), DatabaseOptions.SectionName));
        }

        if (!string.IsNullOrWhiteSpace(DatabaseCredsPath))
        {
            mappings.Add(new VaultSecretMapping(DatabaseCredsPath.Trim(), DynamicDatabaseOptions.SectionName));
        }

        return mappings.Count > 0
            ? mappings
            : throw new InvalidOperationException($"{SectionName}:KvPath and {SectionName}:DatabaseCredsPath are both empty: give Vault at least one path to read.");
    }

    /// <summary>Applies the address, the authentication, the paths, the CA file and the poll interval to the Vault source.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid.</exception>
    public void Configure(HashiCorpVaultSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.Address = GetAddress();
        switch (AuthMethod.Trim().ToUpperInvariant())
        {
            case "KUBERNETES":
                if (string.IsNullOrWhiteSpace(Role))
                {
                    throw new InvalidOperationException($"{SectionName}:Role must name the Kubernetes auth role (default '{DefaultRole}').");
                }

                source.UseKubernetesAuth(Role.Trim(), AuthMountPath, JwtPath);
                break;
            case "TOKEN":
                // Nothing to set: the source falls back to VAULT_TOKEN, and fails at start-up with a message if it is empty.
                break;
            default:
                throw new InvalidOperationException($"{SectionName}:AuthMethod must be '{KubernetesAuth}' or '{TokenAuth}' (got '{AuthMethod}').");
        }

        foreach (var mapping in GetMappings())
        {
            source.Mappings.Add(mapping);
        }

        if (!string.IsNullOrWhiteSpace(CaCertificateFile))
        {
            source.CaCertificateFile = CaCertificateFile.Trim();
        }

        if (PollInterval is { } interval)
        {
            if (interval <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{SectionName}:PollInterval must be positive (got {interval}).");
            }

            source.PollInterval = interval;
        }
    }

    /// <summary>How the app logs in, for the start-up log.</summary>
    public string DescribeAuth() =>
        AuthMethod.Trim().Equals(TokenAuth, StringComparison.OrdinalIgnoreCase)
            ? "the token in VAULT_TOKEN"
            : $"Kubernetes auth, role {Role} at auth/{AuthMountPath.Trim('/')} with the token {JwtPath}";

    /// <summary>The paths and their sections, for the start-up log and the page: <c>secret/aks-sample/db -> Database</c>.</summary>
    public static IReadOnlyList<string> Describe(IEnumerable<VaultSecretMapping> mappings) =>
        [.. mappings.Select(mapping => $"{mapping.Path} -> {mapping.Section}")];
}

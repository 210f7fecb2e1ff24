using System.Security.Cryptography.X509Certificates;
using SecretRotation.HashiCorpVault;
using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.HashiCorpVault.Client;
using SecretRotation.HashiCorpVault.Reading;

namespace SecretRotation;

/// <summary>
/// A configuration source of secrets from HashiCorp Vault: which paths, how to authenticate, and how to reach the server. KV v2 paths are polled
/// (every 5 minutes by default) through their metadata; KV v1 <c>ttl</c>s and leases of dynamic secrets set their own
/// clock, the way Vault Agent keeps templates current.
/// </summary>
public sealed class HashiCorpVaultSource : SecretConfigurationSource
{
    /// <summary>The default path of the pod's service-account token, for Kubernetes auth.</summary>
    public const string DefaultServiceAccountTokenPath = VaultAuthMethod.DefaultServiceAccountTokenPath;

    private VaultAuthMethod? _auth;

    /// <summary>Creates a source with a 5-minute poll; the environment is read only when the source is built.</summary>
    public HashiCorpVaultSource()
    {
        PollInterval = TimeSpan.FromMinutes(5);
    }

    /// <summary>The Vault server, e.g. <c>https://vault.vault.svc:8200</c>.</summary>
    /// <value>Default <see langword="null"/>: <c>VAULT_ADDR</c>, read when the source is built.</value>
    public Uri? Address { get; set; }

    /// <summary>The Vault Enterprise namespace, sent as <c>X-Vault-Namespace</c>.</summary>
    /// <value>Default <see langword="null"/>: <c>VAULT_NAMESPACE</c>, read when the source is built.</value>
    public string? Namespace { get; set; }

    /// <summary>The paths to read and their sections. <see cref="Map"/> adds to it.</summary>
    public IList<VaultSecretMapping> Mappings { get; } = [];

    /// <summary>
    /// A PEM file of CA certificates to trust for Vault's TLS certificate instead of the system store. Its self-signed
    /// certificates are the only trust anchors; intermediates the server presents (or that the file also holds) complete the
    /// chain. The server's certificate must be valid for server authentication and match the host name.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>CA certificates to trust for Vault's TLS certificate instead of the system store (as <see cref="CaCertificateFile"/>).</summary>
    public X509Certificate2Collection? CaCertificates { get; set; }

    /// <summary>A client certificate for TLS (Vault's cert auth or mutual TLS).</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// The HTTP handler to use instead of one built from the TLS settings (a proxy, tests). The source disposes it, and turns
    /// off its automatic redirects (a <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/>, also inside
    /// delegating handlers) so that only the redirects <see cref="AllowedRedirectHosts"/> allows are followed.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>
    /// Hosts besides <see cref="Address"/>'s that Vault may redirect to, such as the nodes of an HA cluster whose standbys
    /// answer 307 to the active node: names or IP addresses (<c>vault-1.vault-internal</c>), any port.
    /// </summary>
    /// <remarks>
    /// Every request carries the token or a login body (the service-account JWT, an AppRole secret id). At most one 307 or
    /// 308 is followed per request, only to <see cref="Address"/>'s own scheme, host and port or to a host listed here, and
    /// never from https to http; any other redirect fails the request with an error naming the refused host, and nothing is
    /// sent there.
    /// </remarks>
    /// <value>Default empty: redirects are followed only within <see cref="Address"/>'s scheme, host and port.</value>
    public IList<string> AllowedRedirectHosts { get; } = [];

    /// <summary>The largest Vault response body read; a larger answer fails that read (the last good data is kept).</summary>
    /// <value>Default 4 MiB (4,194,304 bytes), above what one KV entry can hold (integrated storage's <c>max_entry_size</c>
    /// defaults to 1 MiB).</value>
    public long MaxResponseBytes { get; set; } = VaultHttpClient.DefaultMaxResponseBytes;

    /// <summary>Reads <paramref name="path"/> (e.g. <c>secret/myapp/db</c>) into <paramref name="section"/> (e.g. <c>Db</c>).</summary>
    public HashiCorpVaultSource Map(string path, string section, VaultSecretKind kind = VaultSecretKind.Auto)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(section);
        Mappings.Add(new VaultSecretMapping(path, section, kind));
        return this;
    }

    /// <summary>Authenticates with a token, renewed while it can be.</summary>
    public HashiCorpVaultSource UseToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _auth = new StaticTokenAuth(token, "the source");
        return this;
    }

    /// <summary>Authenticates with a token read from a file (such as a Vault Agent sink), read again whenever it changes.</summary>
    public HashiCorpVaultSource UseTokenFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _auth = new TokenFileAuth(path);
        return this;
    }

    /// <summary>Authenticates with Kubernetes auth: the pod's service-account JWT (read at each login, as it rotates) for <paramref name="role"/>.</summary>
    public HashiCorpVaultSource UseKubernetesAuth(string role, string mountPath = "kubernetes", string jwtPath = DefaultServiceAccountTokenPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(jwtPath);
        _auth = new KubernetesAuth(role, mountPath.Trim('/'), jwtPath);
        return this;
    }

    /// <summary>Authenticates with AppRole: a role id and a secret id, given as a string or as a file read at each login.</summary>
    public HashiCorpVaultSource UseAppRole(string roleId, string? secretId = null, string? secretIdFile = null, string mountPath = "approle")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleId);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        if (secretId is not null && secretIdFile is not null)
        {
            throw new ArgumentException("Give the AppRole secret id as a string or as a file, not both.", nameof(secretIdFile));
        }

        _auth = new AppRoleAuth(roleId, secretId, secretIdFile, mountPath.Trim('/'));
        return this;
    }

    /// <inheritdoc />
    protected override ISecretSource CreateSecretSource()
    {
        // The environment is read here, when the source is built, so a source configured in code is not tied to it.
        var address = Address ?? (Uri.TryCreate(Environment.GetEnvironmentVariable("VAULT_ADDR"), UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : null);
        if (address is null)
        {
            throw new ArgumentException("HashiCorpVaultSource.Address is not set and VAULT_ADDR is empty.", nameof(Address));
        }

        if (Mappings.Count == 0)
        {
            throw new ArgumentException("Map at least one Vault path (source.Map(\"secret/myapp/db\", \"Db\")).", nameof(Mappings));
        }

        var auth = _auth ?? FromEnvironment()
            ?? throw new ArgumentException("No Vault authentication: call UseToken, UseTokenFile, UseKubernetesAuth or UseAppRole, or set VAULT_TOKEN.");
        if (MaxResponseBytes < 1 || MaxResponseBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, $"HashiCorpVaultSource.MaxResponseBytes must be between 1 and {Array.MaxLength}.");
        }

        var options = new VaultClientOptions
        {
            Address = address,
            Namespace = Namespace ?? Environment.GetEnvironmentVariable("VAULT_NAMESPACE"),
            Authentication = auth,
            CaCertificateFile = CaCertificateFile,
            CaCertificates = CaCertificates,
            ClientCertificate = ClientCertificate,
            HttpMessageHandler = HttpMessageHandler,
            MaxResponseBytes = MaxResponseBytes,
            TimeProvider = TimeProvider,
        };
        foreach (var host in AllowedRedirectHosts)
        {
            options.AllowedRedirectHosts.Add(host);
        }

        // The reader disposes the client's transport; it logs through the engine's logger, read by read.
        var client = new VaultClient(options);
        return new VaultSecretReader(client.Transport, client.Tokens, Mappings.ToArray(), TimeProvider, address);
    }

    private static StaticTokenAuth? FromEnvironment()
    {
        var token = Environment.GetEnvironmentVariable("VAULT_TOKEN");
        return string.IsNullOrWhiteSpace(token) ? null : new StaticTokenAuth(token.Trim(), "VAULT_TOKEN");
    }
}

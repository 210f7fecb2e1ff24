using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.HashiCorpVault.Client;
using SecretRotation.HashiCorpVault.Reading;

namespace SecretRotation;

/// <summary>
/// Secrets from HashiCorp Vault: which paths, how to authenticate, and how to reach the server. KV v2 paths are polled
/// (every 5 minutes by default) through their metadata; KV v1 <c>ttl</c>s and leases of dynamic secrets set their own
/// clock, the way Vault Agent keeps templates current.
/// </summary>
public sealed class HashiCorpVaultOptions : SecretConfigurationSource
{
    /// <summary>The default path of the pod's service-account token, for Kubernetes auth.</summary>
    public const string DefaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private VaultAuthMethod? _auth;

    /// <summary>Creates options with the address and namespace from <c>VAULT_ADDR</c> and <c>VAULT_NAMESPACE</c>, and a 5-minute poll.</summary>
    public HashiCorpVaultOptions()
    {
        PollInterval = TimeSpan.FromMinutes(5);
        var address = Environment.GetEnvironmentVariable("VAULT_ADDR");
        Address = Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri : null;
        Namespace = Environment.GetEnvironmentVariable("VAULT_NAMESPACE");
    }

    /// <summary>The Vault server, e.g. <c>https://vault.vault.svc:8200</c>.</summary>
    /// <value>Default from <c>VAULT_ADDR</c>.</value>
    public Uri? Address { get; set; }

    /// <summary>The Vault Enterprise namespace, sent as <c>X-Vault-Namespace</c>.</summary>
    /// <value>Default from <c>VAULT_NAMESPACE</c>.</value>
    public string? Namespace { get; set; }

    /// <summary>The paths to read and their sections. <see cref="Map"/> adds to it.</summary>
    public IList<VaultSecretMapping> Mappings { get; } = [];

    /// <summary>A PEM file of CA certificates to trust for Vault's TLS certificate (instead of the system store).</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>CA certificates to trust for Vault's TLS certificate (instead of the system store).</summary>
    public X509Certificate2Collection? CaCertificates { get; set; }

    /// <summary>A client certificate for TLS (Vault's cert auth or mutual TLS).</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>The HTTP handler to use instead of one built from the TLS settings (a proxy, tests). The source disposes it.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Reads <paramref name="path"/> (e.g. <c>secret/myapp/db</c>) into <paramref name="section"/> (e.g. <c>Db</c>).</summary>
    public HashiCorpVaultOptions Map(string path, string section, VaultSecretKind kind = VaultSecretKind.Auto)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(section);
        Mappings.Add(new VaultSecretMapping(path, section, kind));
        return this;
    }

    /// <summary>Authenticates with a token, renewed while it can be.</summary>
    public HashiCorpVaultOptions UseToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _auth = new StaticTokenAuth(token, "the options");
        return this;
    }

    /// <summary>Authenticates with a token read from a file (such as a Vault Agent sink), read again whenever it changes.</summary>
    public HashiCorpVaultOptions UseTokenFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _auth = new TokenFileAuth(path);
        return this;
    }

    /// <summary>Authenticates with Kubernetes auth: the pod's service-account JWT (read at each login, as it rotates) for <paramref name="role"/>.</summary>
    public HashiCorpVaultOptions UseKubernetesAuth(string role, string mountPath = "kubernetes", string jwtPath = DefaultServiceAccountTokenPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(jwtPath);
        _auth = new KubernetesAuth(role, mountPath.Trim('/'), jwtPath);
        return this;
    }

    /// <summary>Authenticates with AppRole: a role id and a secret id, given as a string or as a file read at each login.</summary>
    public HashiCorpVaultOptions UseAppRole(string roleId, string? secretId = null, string? secretIdFile = null, string mountPath = "approle")
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
        if (Address is null)
        {
            throw new ArgumentException("HashiCorpVaultOptions.Address is not set and VAULT_ADDR is empty.", nameof(Address));
        }

        if (Mappings.Count == 0)
        {
            throw new ArgumentException("Map at least one Vault path (options.Map(\"secret/myapp/db\", \"Db\")).", nameof(Mappings));
        }

        var auth = _auth ?? FromEnvironment()
            ?? throw new ArgumentException("No Vault authentication: call UseToken, UseTokenFile, UseKubernetesAuth or UseAppRole, or set VAULT_TOKEN.");
        var client = new VaultHttpClient(Address, Namespace, HttpMessageHandler ?? CreateHandler(), disposeHandler: true);
        return new VaultSecretReader(client, new VaultTokenManager(auth, client, TimeProvider), Mappings.ToArray(), TimeProvider, Address);
    }

    private static StaticTokenAuth? FromEnvironment()
    {
        var token = Environment.GetEnvironmentVariable("VAULT_TOKEN");
        return string.IsNullOrWhiteSpace(token) ? null : new StaticTokenAuth(token.Trim(), "VAULT_TOKEN");
    }

    private SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var trusted = new X509Certificate2Collection();
        if (CaCertificates is not null)
        {
            trusted.AddRange(CaCertificates);
        }

        if (CaCertificateFile is not null)
        {
            trusted.ImportFromPemFile(CaCertificateFile);
        }

        if (trusted.Count > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null && ChainsTo(new X509Certificate2(certificate), trusted, errors);
        }

        if (ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [ClientCertificate];
        }

        return handler;
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection trusted, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

using System.Security.Cryptography.X509Certificates;
using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault;

/// <summary>Where a <see cref="VaultClient"/> finds Vault, how it authenticates, and the limits of its transport.</summary>
public sealed class VaultClientOptions
{
    /// <summary>The Vault server, e.g. <c>https://vault.vault.svc:8200</c>. Required.</summary>
    public Uri? Address { get; set; }

    /// <summary>The Vault Enterprise namespace, sent as <c>X-Vault-Namespace</c>.</summary>
    /// <value>Default <see langword="null"/>: no namespace.</value>
    public string? Namespace { get; set; }

    /// <summary>How the client gets its token (<see cref="VaultAuthMethod.Token"/>, <see cref="VaultAuthMethod.Kubernetes"/>, ...). Required.</summary>
    public VaultAuthMethod? Authentication { get; set; }

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
    /// The HTTP handler to use instead of one built from the TLS settings (a proxy, tests). Its automatic redirects are turned
    /// off (a <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/>, also inside delegating handlers) so that only
    /// the redirects <see cref="AllowedRedirectHosts"/> allows are followed.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Whether disposing the client disposes <see cref="HttpMessageHandler"/>.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool DisposeHttpMessageHandler { get; set; } = true;

    /// <summary>
    /// Hosts besides <see cref="Address"/>'s that Vault may redirect to, such as the nodes of an HA cluster whose standbys
    /// answer 307 to the active node: names or IP addresses (<c>vault-1.vault-internal</c>), any port.
    /// </summary>
    /// <remarks>
    /// Every request carries the token or a login body. At most one 307 or 308 is followed per request, only to
    /// <see cref="Address"/>'s own scheme, host and port or to a host listed here, and never from https to http; any other
    /// redirect fails the request with an error naming the refused host, and nothing is sent there.
    /// </remarks>
    /// <value>Default empty: redirects are followed only within <see cref="Address"/>'s scheme, host and port.</value>
    public IList<string> AllowedRedirectHosts { get; } = [];

    /// <summary>The largest Vault response body read; a larger answer fails the request unread.</summary>
    /// <value>Default 4 MiB (4,194,304 bytes).</value>
    public long MaxResponseBytes { get; set; } = VaultHttpClient.DefaultMaxResponseBytes;

    /// <summary>The clock for the token's TTL and renewal.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

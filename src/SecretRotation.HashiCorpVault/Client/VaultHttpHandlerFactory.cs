using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretRotation.HashiCorpVault.Client;

/// <summary>
/// Builds the HTTP handlers that talk to Vault (the source, the CLI and the Mirror all use this): no automatic redirects
/// (<see cref="VaultHttpClient"/> decides which redirect a token may follow), pooled connections recycled every 5 minutes
/// so DNS changes are seen, and, with private CAs, a chain built to those roots only.
/// </summary>
internal static class VaultHttpHandlerFactory
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>A handler that trusts the system store, or only <paramref name="trustedCertificates"/> when any are given.</summary>
    /// <param name="trustedCertificates">CA certificates (roots, optionally with intermediates) to trust instead of the system store.</param>
    /// <param name="clientCertificate">A client certificate for mutual TLS.</param>
    public static SocketsHttpHandler Create(X509Certificate2Collection? trustedCertificates = null, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };

        if (trustedCertificates is { Count: > 0 })
        {
            // SslStream builds the chain with this policy, adds the intermediates the server presents to its extra store, and
            // still checks the host name; the default validation then accepts only a chain without errors.
            handler.SslOptions.CertificateChainPolicy = CreateChainPolicy(trustedCertificates);
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    /// <summary>
    /// The given certificates as the only trust anchors, intermediates among them also usable to build the chain, the leaf
    /// valid for server authentication, and no revocation check (private CAs rarely publish reachable CRLs).
    /// </summary>
    public static X509ChainPolicy CreateChainPolicy(X509Certificate2Collection trustedCertificates)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.ApplicationPolicy.Add(new Oid(ServerAuthenticationOid));
        foreach (var certificate in trustedCertificates)
        {
            if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            {
                policy.CustomTrustStore.Add(certificate);
            }
            else
            {
                // A CA bundle often carries the intermediate too: it helps build the chain but anchors nothing.
                policy.ExtraStore.Add(certificate);
            }
        }

        if (policy.CustomTrustStore.Count == 0)
        {
            // A file of intermediates only: trust what was given, as the user asked.
            policy.CustomTrustStore.AddRange(trustedCertificates);
        }

        return policy;
    }

    /// <summary>
    /// Turns off automatic redirects on a handler given by the user (or a test), through any delegating handlers, so that
    /// <see cref="VaultHttpClient"/>'s redirect policy applies. A handler that already sent requests cannot be changed and is
    /// left as it is.
    /// </summary>
    public static void DisableAutoRedirect(HttpMessageHandler handler)
    {
        for (var current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            try
            {
                switch (current)
                {
                    case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                        sockets.AllowAutoRedirect = false;
                        break;
                    case HttpClientHandler { AllowAutoRedirect: true } client:
                        client.AllowAutoRedirect = false;
                        break;
                }
            }
            catch (InvalidOperationException)
            {
                // Already started: its settings are frozen.
            }
        }
    }
}

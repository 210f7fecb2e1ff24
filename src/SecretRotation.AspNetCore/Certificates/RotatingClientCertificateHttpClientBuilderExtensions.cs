using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation;
using SecretRotation.AspNetCore.Certificates;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Mutual TLS for <c>IHttpClientFactory</c> clients whose client certificate rotates.</summary>
public static class RotatingClientCertificateHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends this client's requests with the client certificate at <paramref name="certificateKey"/> in the configuration
    /// (registered as with <c>services.AddRotatingCertificate</c>). The primary handler holds a <see cref="SocketsHttpHandler"/>
    /// built with the current certificate; when the certificate changes, new requests go to a new one (new connections,
    /// new handshakes with the new certificate) while the old one finishes its requests and is then disposed with its
    /// connections (at the latest after <see cref="RotatingCertificateOptions.DrainTimeout"/>). No request fails because of
    /// the swap, and none waits for <c>HandlerLifetime</c>.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="certificateKey">The configuration key of the client certificate with its private key (PFX or PEM).</param>
    /// <param name="configureHandler">Configures each <see cref="SocketsHttpHandler"/> built (server certificate validation,
    /// timeouts, pool settings); its client certificate is set afterwards.</param>
    /// <param name="configure">Changes the certificate's other settings (first registration of the key wins).</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    public static IHttpClientBuilder UseRotatingClientCertificate(
        this IHttpClientBuilder builder,
        string certificateKey,
        Action<SocketsHttpHandler>? configureHandler = null,
        Action<RotatingCertificateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateKey);
        builder.Services.AddRotatingCertificate(certificateKey, configure);
        builder.ConfigurePrimaryHttpMessageHandler(provider =>
        {
            var certificate = provider.GetRequiredKeyedService<RotatingCertificate>(certificateKey);
            var logger = provider.GetService<ILoggerFactory>()?.CreateLogger<RotatingCertificate>() ?? (ILogger)NullLogger.Instance;
            return new RotatingClientCertificateHandler(
                certificate, configureHandler, certificate.DrainTimeout, certificate.TimeProvider, logger);
        });
        return builder;
    }
}

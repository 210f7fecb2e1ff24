using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using SecretRotation;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Serves Kestrel's HTTPS with a <see cref="RotatingCertificate"/>: new handshakes present the current certificate, no restart.</summary>
public static class RotatingCertificateHttpsExtensions
{
    /// <summary>
    /// Serves Kestrel's HTTPS with the current certificate (and chain) of the
    /// <see cref="RotatingCertificate"/> registered with <c>services.AddRotatingCertificate(certificateKey)</c>. Each new TLS
    /// handshake presents the certificate current at that moment; established connections carry on with the one they
    /// negotiated. Call it inside <c>ConfigureHttpsDefaults</c> or <c>ListenOptions.UseHttps(https =&gt; ...)</c> with
    /// <c>KestrelServerOptions.ApplicationServices</c>.
    /// </summary>
    /// <param name="https">Kestrel's HTTPS options.</param>
    /// <param name="services">The application's services (<c>KestrelServerOptions.ApplicationServices</c>).</param>
    /// <param name="certificateKey">The configuration key the certificate was registered with.</param>
    /// <returns>The same <paramref name="https"/>.</returns>
    /// <exception cref="InvalidOperationException">No certificate was registered for the key, or none has been loaded (Kestrel
    /// would fail every handshake): the reason was logged.</exception>
    public static HttpsConnectionAdapterOptions UseRotatingCertificate(this HttpsConnectionAdapterOptions https, IServiceProvider services, string certificateKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        return https.UseRotatingCertificate(Resolve(services, certificateKey));
    }

    /// <summary>
    /// Serves HTTPS on this endpoint with the <see cref="RotatingCertificate"/> registered with
    /// <c>services.AddRotatingCertificate(certificateKey)</c>, and with the chain that came with it (the intermediates of the
    /// PFX or PEM are sent in every handshake; the chain is built once per certificate, offline, not per handshake). Each new
    /// handshake presents the certificate current at that moment; established connections carry on. Kestrel's
    /// <see cref="HttpsConnectionAdapterOptions"/> do not apply on this path (use <paramref name="configure"/>); for them, use
    /// <see cref="UseRotatingCertificate(HttpsConnectionAdapterOptions, IServiceProvider, string)"/>, which presents the same.
    /// </summary>
    /// <param name="listen">The endpoint.</param>
    /// <param name="certificateKey">The configuration key the certificate was registered with.</param>
    /// <param name="configure">Adjusts the options of each handshake (client certificates, protocols); called per handshake.</param>
    /// <returns>The same <paramref name="listen"/>.</returns>
    /// <exception cref="InvalidOperationException">No certificate was registered for the key, or none has been loaded.</exception>
    public static ListenOptions UseHttpsWithRotatingCertificate(this ListenOptions listen, string certificateKey, Action<SslServerAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var certificate = Resolve(listen.ApplicationServices, certificateKey);
        EnsureLoaded(certificate);
        return listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ =>
            {
                // Never null once loaded: a rejected value keeps the last good certificate.
                var current = certificate.CurrentParsed!;
                var options = new SslServerAuthenticationOptions { ServerCertificateContext = current.Context };
                configure?.Invoke(options);
                return ValueTask.FromResult(options);
            },
        });
    }

    /// <summary>
    /// Sets <see cref="HttpsConnectionAdapterOptions.ServerCertificateSelector"/> to return <paramref name="certificate"/>'s
    /// current certificate, and <see cref="HttpsConnectionAdapterOptions.OnAuthenticate"/> (after any set before) to present
    /// that certificate's context, built once per certificate with its chain.
    /// </summary>
    /// <param name="https">Kestrel's HTTPS options.</param>
    /// <param name="certificate">The rotating certificate; its owner disposes it.</param>
    /// <returns>The same <paramref name="https"/>.</returns>
    /// <exception cref="InvalidOperationException">No certificate has been loaded yet (the reason was logged).</exception>
    public static HttpsConnectionAdapterOptions UseRotatingCertificate(this HttpsConnectionAdapterOptions https, RotatingCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(certificate);
        EnsureLoaded(certificate);
        https.ServerCertificate = null;
        https.ServerCertificateSelector = (_, _) => certificate.Current;
        var configured = https.OnAuthenticate;
        https.OnAuthenticate = (connection, ssl) =>
        {
            configured?.Invoke(connection, ssl);

            // The selector alone makes SslStream build a certificate context in the handshake for each certificate it has
            // not seen; on Linux under load, a handshake just after a rotation then failed now and then (the server closed
            // it: EOF). Present the context built once per certificate instead, as UseHttpsWithRotatingCertificate does.
            if (certificate.CurrentParsed is { } current)
            {
                ssl.ServerCertificateSelectionCallback = null;
                ssl.ServerCertificate = null;
                ssl.ServerCertificateContext = current.Context;
            }
        };
        return https;
    }

    private static RotatingCertificate Resolve(IServiceProvider services, string certificateKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateKey);
        return services.GetKeyedService<RotatingCertificate>(certificateKey)
            ?? throw new InvalidOperationException($"No RotatingCertificate is registered for '{certificateKey}': call services.AddRotatingCertificate(\"{certificateKey}\").");
    }

    private static void EnsureLoaded(RotatingCertificate certificate)
    {
        if (certificate.Current is null)
        {
            throw new InvalidOperationException($"The configuration holds no usable certificate at '{certificate.CertificateKey}' (see the log for the reason).");
        }
    }
}

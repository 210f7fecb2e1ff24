using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using SecretRotation;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Serves Kestrel's HTTPS with a <see cref="RotatingCertificate"/>: new handshakes present the current certificate, no restart.</summary>
public static class RotatingCertificateHttpsExtensions
{
    /// <summary>
    /// Sets <see cref="HttpsConnectionAdapterOptions.ServerCertificateSelector"/> to return the current certificate of the
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
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateKey);
        var certificate = services.GetKeyedService<RotatingCertificate>(certificateKey)
            ?? throw new InvalidOperationException($"No RotatingCertificate is registered for '{certificateKey}': call services.AddRotatingCertificate(\"{certificateKey}\").");
        return https.UseRotatingCertificate(certificate);
    }

    /// <summary>Sets <see cref="HttpsConnectionAdapterOptions.ServerCertificateSelector"/> to return <paramref name="certificate"/>'s current certificate.</summary>
    /// <param name="https">Kestrel's HTTPS options.</param>
    /// <param name="certificate">The rotating certificate; its owner disposes it.</param>
    /// <returns>The same <paramref name="https"/>.</returns>
    /// <exception cref="InvalidOperationException">No certificate has been loaded yet (the reason was logged).</exception>
    public static HttpsConnectionAdapterOptions UseRotatingCertificate(this HttpsConnectionAdapterOptions https, RotatingCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.Current is null)
        {
            throw new InvalidOperationException($"The configuration holds no usable certificate at '{certificate.CertificateKey}' (see the log for the reason).");
        }

        https.ServerCertificate = null;
        https.ServerCertificateSelector = (_, _) => certificate.Current;
        return https;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SecretRotation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="RotatingCertificate"/>s that follow a configuration key.</summary>
public static class RotatingCertificateServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="RotatingCertificate"/> keyed by <paramref name="certificateKey"/> (resolve it with
    /// <c>GetRequiredKeyedService&lt;RotatingCertificate&gt;(certificateKey)</c>), reading the app's <see cref="IConfiguration"/>.
    /// A second call with the same key keeps the first registration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="certificateKey">The configuration key of the certificate (see <see cref="RotatingCertificateOptions.CertificateKey"/>).</param>
    /// <param name="configure">Changes the other settings.</param>
    /// <returns>The same <paramref name="services"/>.</returns>
    public static IServiceCollection AddRotatingCertificate(this IServiceCollection services, string certificateKey, Action<RotatingCertificateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateKey);
        services.TryAddKeyedSingleton(certificateKey, (provider, _) =>
        {
            var options = new RotatingCertificateOptions { CertificateKey = certificateKey };
            configure?.Invoke(options);
            options.CertificateKey = certificateKey;
            options.TimeProvider ??= provider.GetService<TimeProvider>();
            return new RotatingCertificate(
                provider.GetRequiredService<IConfiguration>(), options, provider.GetService<ILogger<RotatingCertificate>>());
        });
        return services;
    }
}

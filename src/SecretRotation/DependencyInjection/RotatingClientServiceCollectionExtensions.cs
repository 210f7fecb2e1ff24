using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SecretRotation;
using SecretRotation.RotatingClients;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers clients that are rebuilt when the secrets they are built from rotate.</summary>
public static class RotatingClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IRotatingClient{TClient}"/> (a singleton) and <see cref="IRotatingClientHealth"/>. The client is
    /// built on first resolve and rebuilt when any value at or under <paramref name="section"/> (or
    /// <see cref="RotatingClientOptions.AlsoWatch"/>) changes, compared by value, so a reload that changes nothing rebuilds
    /// nothing. A factory that throws during a rebuild keeps the current client, is logged (its exception type, never its
    /// message), counted, reported by the health check and retried with exponential backoff; a throw in the first build
    /// fails the resolve. A replaced client is disposed when its last lease ends or its drain timeout passes; disposing the
    /// service provider disposes the current one. Uses the <see cref="TimeProvider"/> registered in the container, else the
    /// system clock. One registration per <typeparamref name="TClient"/>: the last one wins.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">A configuration key or section path, e.g. <c>Db</c> or <c>Db:ConnectionString</c>.</param>
    /// <param name="factory">Builds the client from the service provider and <c>IConfiguration.GetSection(section)</c>.</param>
    /// <param name="configure">Sets the options (extra keys to watch, drain timeout, backoff).</param>
    /// <returns>The same <paramref name="services"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="section"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The drain timeout is negative (other than infinite), or the backoff is not positive or its maximum is below its minimum.</exception>
    public static IServiceCollection AddRotatingClient<TClient>(
        this IServiceCollection services,
        string section,
        Func<IServiceProvider, IConfigurationSection, TClient> factory,
        Action<RotatingClientOptions>? configure = null)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        ArgumentNullException.ThrowIfNull(factory);
        var options = new RotatingClientOptions();
        configure?.Invoke(options);
        if (options.DrainTimeout < TimeSpan.Zero && options.DrainTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.DrainTimeout, "DrainTimeout must not be negative, or Timeout.InfiniteTimeSpan to wait for every lease.");
        }

        if (options.MinimumBackoff <= TimeSpan.Zero || options.MaximumBackoff < options.MinimumBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.MinimumBackoff, "MinimumBackoff must be positive and not above MaximumBackoff.");
        }

        foreach (var watched in options.AlsoWatch)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(watched, nameof(configure));
        }

        services.TryAddSingleton<RotatingClientRegistry>();
        services.TryAddSingleton<IRotatingClientHealth>(provider => provider.GetRequiredService<RotatingClientRegistry>());
        services.AddSingleton<IRotatingClient<TClient>>(provider => new RotatingClient<TClient>(
            provider,
            provider.GetRequiredService<IConfiguration>(),
            section,
            factory,
            options,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILoggerFactory>(),
            provider.GetRequiredService<RotatingClientRegistry>()));
        return services;
    }
}

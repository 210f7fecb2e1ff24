using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretRotation;
using SecretRotation.AspNetCore.Events;
using SecretRotation.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the endpoint that receives Key Vault events from Azure Event Grid.</summary>
public static class SecretRotationEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <paramref name="pattern"/> (e.g. <c>/secret-rotation/events</c>) to receive Event Grid deliveries (Event Grid schema or
    /// CloudEvents 1.0): it answers both validation handshakes and turns <c>Microsoft.KeyVault.SecretNewVersionCreated</c> into a
    /// targeted refresh of the Key Vault sources that read that vault. Callers must present one of
    /// <see cref="SecretRotationEventsOptions.AccessKeys"/> unless <see cref="SecretRotationEventsOptions.AllowAnonymous"/> is set (then
    /// protect the endpoint otherwise, e.g. <c>.RequireAuthorization()</c>).
    /// </summary>
    /// <returns>The endpoints' convention builder, for authorization, rate limiting and the like.</returns>
    /// <exception cref="InvalidOperationException">No access key is configured and anonymous callers are not allowed.</exception>
    public static IEndpointConventionBuilder MapSecretRotationEvents(this IEndpointRouteBuilder endpoints, string pattern, Action<SecretRotationEventsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var options = new SecretRotationEventsOptions();
        configure?.Invoke(options);
        if (options.AccessKeys.All(string.IsNullOrEmpty) && !options.AllowAnonymous)
        {
            throw new InvalidOperationException(
                "MapSecretRotationEvents needs at least one access key (options.AccessKeys), or AllowAnonymous = true when the endpoint is protected otherwise (e.g. RequireAuthorization).");
        }

        if (options.RefreshTimeout <= TimeSpan.Zero || options.MaxBodySize <= 0 || options.MaxRandomDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), "RefreshTimeout and MaxBodySize must be positive, MaxRandomDelay not negative.");
        }

        var services = endpoints.ServiceProvider;
        var configuration = services.GetRequiredService<IConfiguration>();
        var loggerFactory = services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("SecretRotation.Events");
        var alerts = services.GetService<ExpiryAlerts>() ?? new ExpiryAlerts();
        var dispatcher = new SecretRotationEventDispatcher(configuration, options, alerts, logger);
        var endpoint = new SecretRotationEventsEndpoint(new EventGridWebhook(new SharedKeyValidator(options), options.MaxBodySize, logger), dispatcher);

        var group = endpoints.MapGroup(pattern);
        group.MapPost(string.Empty, endpoint.HandlePostAsync);
        group.MapMethods(string.Empty, [HttpMethods.Options], endpoint.HandleOptionsAsync);
        return group;
    }
}

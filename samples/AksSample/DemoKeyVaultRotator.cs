using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SecretRotation.Testing;

namespace AksSample;

/// <summary>
/// The local demo's stand-in for a Key Vault rotation and its Event Grid subscription: every
/// <see cref="DemoOptions.KeyVaultRotationInterval"/> it writes a new version of the API key into the <see cref="DemoKeyVault"/>,
/// then delivers the <c>Microsoft.KeyVault.SecretNewVersionCreated</c> event to the app's own events endpoint with
/// <see cref="EventGridDeliverer"/>, the way Event Grid does (validation handshake first, <c>aeg-*</c> headers, the key in the
/// URL, retries). The endpoint (<c>MapSecretRotationEvents</c>) has the Key Vault source fetch just that secret at once, instead
/// of at its next poll. A delivery that fails is logged and left to the poll.
/// </summary>
public sealed partial class DemoKeyVaultRotator(
    DemoKeyVault vault,
    DemoEventSubscription subscription,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<DemoOptions> options,
    TimeProvider timeProvider,
    ILogger<DemoKeyVaultRotator> logger)
    : BackgroundService
{
    /// <summary>The event subscription's name, sent upper-cased in <c>aeg-subscription-name</c>.</summary>
    private const string SubscriptionName = "aks-sample-demo";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.KeyVaultRotationInterval;
        LogStarted(logger, DemoKeyVault.ApiKeySecretName, vault.VaultUri, interval, subscription.Path);
        try
        {
            // The deliverer applies its own response timeout to each request.
            using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var target = await SubscribeAsync(client, stoppingToken);
            using var timer = new PeriodicTimer(interval, timeProvider);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var (version, fingerprint) = vault.RotateApiKey();
                LogRotated(logger, DemoKeyVault.ApiKeySecretName, version, fingerprint);
                if (target is { } found)
                {
                    await DeliverAsync(found.Deliverer, found.Endpoint, version, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    /// <summary>
    /// Once the server listens, finds the app's own address and validates the endpoint as Event Grid does when a subscription is
    /// created. Returns the deliverer and the endpoint's URL without its query (the key), or null when no address is usable.
    /// </summary>
    private async Task<(EventGridDeliverer Deliverer, Uri Endpoint)?> SubscribeAsync(HttpClient client, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (SelfAddress.Pick(addresses) is not { } baseAddress)
        {
            LogNoAddress(logger, addresses.Count == 0 ? "(none)" : string.Join(", ", addresses), DemoKeyVault.PollInterval);
            return null;
        }

        // Logged: the URL without the query. The deliverer's own Endpoint carries ?code=<key>, and is never logged.
        var endpoint = new Uri(baseAddress, subscription.Path);
        var deliverer = new EventGridDeliverer(client, endpoint, new EventGridDeliveryOptions
        {
            QueryString = "code=" + Uri.EscapeDataString(subscription.Key),
            SubscriptionName = SubscriptionName,
            MaxAttempts = 3,
            // Longer than the endpoint's RefreshTimeout (20 s), after which it answers 503.
            ResponseTimeout = TimeSpan.FromSeconds(25),
        });

        var handshakeStarted = timeProvider.GetTimestamp();
        var handshake = await deliverer.HandshakeAsync(stoppingToken);
        var elapsed = ElapsedMilliseconds(handshakeStarted);
        if (handshake.Succeeded)
        {
            LogSubscribed(logger, endpoint, handshake.StatusCode ?? 0, elapsed);
        }
        else
        {
            // Each delivery tries the handshake again first.
            LogSubscribeFailed(logger, endpoint, handshake.Failure?.TrimEnd('.') ?? "no reason given", elapsed, DemoKeyVault.PollInterval);
        }

        return (deliverer, endpoint);
    }

    /// <summary>Delivers the SecretNewVersionCreated event for <paramref name="version"/>; logs the outcome, never throws for a failed delivery.</summary>
    private async Task DeliverAsync(EventGridDeliverer deliverer, Uri endpoint, string version, CancellationToken stoppingToken)
    {
        var @event = KeyVaultEvents.SecretNewVersionCreated(
            DemoKeyVault.VaultName, DemoKeyVault.ApiKeySecretName, version, new KeyVaultEventOptions { VaultUri = vault.VaultUri });
        var started = timeProvider.GetTimestamp();
        try
        {
            var result = await deliverer.DeliverAsync(@event, stoppingToken);
            var elapsed = ElapsedMilliseconds(started);
            var last = result.Attempts.Count > 0 ? result.Attempts[^1] : null;
            if (result.Delivered)
            {
                LogDelivered(logger, DemoKeyVault.ApiKeySecretName, version, endpoint, last?.StatusCode ?? 0, result.Attempts.Count, elapsed);
                return;
            }

            var reason = result.Handshake is { Succeeded: false } handshake ? $"validation handshake failed: {handshake.Failure?.TrimEnd('.')}"
                : last?.StatusCode is int status ? $"last answer HTTP {status}"
                : last?.Error?.TrimEnd('.') ?? "not sent";
            LogNotDelivered(logger, DemoKeyVault.ApiKeySecretName, version, endpoint, reason, result.Attempts.Count, elapsed, DemoKeyVault.PollInterval);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Whatever went wrong, the rotator carries on and the poll picks the version up.
            LogDeliveryError(logger, exception, DemoKeyVault.ApiKeySecretName, version, endpoint, DemoKeyVault.PollInterval);
        }
    }

    private long ElapsedMilliseconds(long started) => (long)timeProvider.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(2100, LogLevel.Information, "Demo Key Vault rotator: writing a new version of {SecretName} into {VaultUri} every {Interval}, each followed by an Event Grid delivery of SecretNewVersionCreated to the app's own {EventsPath}")]
    private static partial void LogStarted(ILogger logger, string secretName, Uri vaultUri, TimeSpan interval, string eventsPath);

    [LoggerMessage(2101, LogLevel.Information, "Demo Key Vault rotator: set {SecretName} version {Version} in the emulator (fingerprint {Fingerprint})")]
    private static partial void LogRotated(ILogger logger, string secretName, string version, string fingerprint);

    [LoggerMessage(2102, LogLevel.Information, "Demo Key Vault rotator: delivered SecretNewVersionCreated for {SecretName} version {Version} to {Endpoint}: HTTP {StatusCode} after {Attempts} attempt(s), {ElapsedMilliseconds} ms")]
    private static partial void LogDelivered(ILogger logger, string secretName, string version, Uri endpoint, int statusCode, int attempts, long elapsedMilliseconds);

    [LoggerMessage(2103, LogLevel.Warning, "Demo Key Vault rotator: SecretNewVersionCreated for {SecretName} version {Version} was not delivered to {Endpoint} ({Reason}; {Attempts} attempt(s), {ElapsedMilliseconds} ms); the poll picks it up within {PollInterval}")]
    private static partial void LogNotDelivered(ILogger logger, string secretName, string version, Uri endpoint, string reason, int attempts, long elapsedMilliseconds, TimeSpan pollInterval);

    [LoggerMessage(2104, LogLevel.Warning, "Demo Key Vault rotator: the server listens on no HTTP address the app can call itself on ({Addresses}); no events are delivered, the poll picks each rotation up within {PollInterval}")]
    private static partial void LogNoAddress(ILogger logger, string addresses, TimeSpan pollInterval);

    [LoggerMessage(2105, LogLevel.Information, "Demo Key Vault rotator: event subscription validated: {Endpoint} answered Event Grid's validation handshake (HTTP {StatusCode}, {ElapsedMilliseconds} ms)")]
    private static partial void LogSubscribed(ILogger logger, Uri endpoint, int statusCode, long elapsedMilliseconds);

    [LoggerMessage(2106, LogLevel.Warning, "Demo Key Vault rotator: {Endpoint} failed Event Grid's validation handshake ({Failure}; {ElapsedMilliseconds} ms); each delivery tries it again, and the poll picks rotations up within {PollInterval}")]
    private static partial void LogSubscribeFailed(ILogger logger, Uri endpoint, string failure, long elapsedMilliseconds, TimeSpan pollInterval);

    [LoggerMessage(2107, LogLevel.Warning, "Demo Key Vault rotator: delivering SecretNewVersionCreated for {SecretName} version {Version} to {Endpoint} failed; the poll picks it up within {PollInterval}")]
    private static partial void LogDeliveryError(ILogger logger, Exception exception, string secretName, string version, Uri endpoint, TimeSpan pollInterval);
}

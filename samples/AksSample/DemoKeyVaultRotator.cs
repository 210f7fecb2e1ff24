using Microsoft.Extensions.Options;
using SecretRotation;

namespace AksSample;

/// <summary>
/// The local demo's stand-in for a Key Vault rotation: every <see cref="DemoOptions.KeyVaultRotationInterval"/> it writes a
/// new version of the API key into the <see cref="DemoKeyVault"/>, then simulates the push a real deployment would get
/// from Event Grid (<c>Microsoft.KeyVault.SecretNewVersionCreated</c>): it hands a <see cref="SecretChangeNotice"/> to the
/// configuration's secret refreshers, and the Key Vault one fetches just that secret at once instead of at its next poll.
/// </summary>
public sealed partial class DemoKeyVaultRotator(
    DemoKeyVault vault,
    IConfiguration configuration,
    IOptions<DemoOptions> options,
    TimeProvider timeProvider,
    ILogger<DemoKeyVaultRotator> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.KeyVaultRotationInterval;
        LogStarted(logger, DemoKeyVault.ApiKeySecretName, vault.VaultUri, interval);
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var (version, fingerprint) = vault.RotateApiKey();
                LogRotated(logger, DemoKeyVault.ApiKeySecretName, version, fingerprint);
                await SimulatePushAsync(version, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    /// <summary>What an Event Grid handler does with a SecretNewVersionCreated event: offer the notice to every refresher.</summary>
    private async Task SimulatePushAsync(string version, CancellationToken cancellationToken)
    {
        var notice = new SecretChangeNotice(AzureKeyVaultSecretsSource.StoreKind, vault.Store, DemoKeyVault.ApiKeySecretName, version);
        var handled = false;
        foreach (var refresher in configuration.GetSecretRefreshers())
        {
            var started = timeProvider.GetTimestamp();
            try
            {
                // False, without reading anything, when the notice is not for this refresher's vault (e.g. the volume).
                if (await refresher.RefreshAsync(notice, cancellationToken))
                {
                    handled = true;
                    LogPushApplied(logger, DemoKeyVault.ApiKeySecretName, version, refresher.SourceName, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            catch (SecretSourceException exception)
            {
                // The refresher keeps the last good value and has logged the failure; its poll will catch up.
                handled = true;
                LogPushFailed(logger, exception, DemoKeyVault.ApiKeySecretName, refresher.SourceName);
            }
        }

        if (!handled)
        {
            LogPushUnclaimed(logger, DemoKeyVault.ApiKeySecretName, vault.Store);
        }
    }

    [LoggerMessage(2100, LogLevel.Information, "Demo Key Vault rotator: writing a new version of {SecretName} into {VaultUri} every {Interval}, each followed by a simulated push")]
    private static partial void LogStarted(ILogger logger, string secretName, Uri vaultUri, TimeSpan interval);

    [LoggerMessage(2101, LogLevel.Information, "Demo Key Vault rotator: set {SecretName} version {Version} in the emulator (fingerprint {Fingerprint})")]
    private static partial void LogRotated(ILogger logger, string secretName, string version, string fingerprint);

    [LoggerMessage(2102, LogLevel.Information, "Demo Key Vault rotator: simulated push (stand-in for an Event Grid SecretNewVersionCreated event): {Source} refreshed {SecretName} version {Version} in {ElapsedMilliseconds} ms")]
    private static partial void LogPushApplied(ILogger logger, string secretName, string version, string source, long elapsedMilliseconds);

    [LoggerMessage(2103, LogLevel.Warning, "Demo Key Vault rotator: simulated push for {SecretName}: {Source} could not read it; its next poll retries")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string secretName, string source);

    [LoggerMessage(2104, LogLevel.Warning, "Demo Key Vault rotator: simulated push for {SecretName}: no secret source claimed the vault {Store}")]
    private static partial void LogPushUnclaimed(ILogger logger, string secretName, string store);
}

using Microsoft.Extensions.Options;

namespace AksSample;

/// <summary>
/// The local demo's stand-in for a KV rotation in HashiCorp Vault (<c>vault kv put secret/aks-sample/db ...</c>): every
/// <see cref="DemoOptions.VaultKvRotationInterval"/> it writes a new version into the <see cref="DemoVault"/>. The app sees it
/// at its next poll of the secret's metadata. The dynamic database credentials need no rotator: their leases run out.
/// </summary>
public sealed partial class DemoVaultRotator(DemoVault vault, IOptions<DemoOptions> options, TimeProvider timeProvider, ILogger<DemoVaultRotator> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.VaultKvRotationInterval;
        LogStarted(logger, DemoVault.KvPath, vault.Address, interval);
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var (version, fingerprint) = vault.RotateKv();
                LogRotated(logger, DemoVault.KvPath, version, fingerprint, vault.ActiveLeaseCount);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    [LoggerMessage(2200, LogLevel.Information, "Demo Vault rotator: writing a new version of {KvPath} into {VaultAddress} every {Interval}")]
    private static partial void LogStarted(ILogger logger, string kvPath, Uri vaultAddress, TimeSpan interval);

    [LoggerMessage(2201, LogLevel.Information, "Demo Vault rotator: wrote {KvPath} version {Version} (EncryptionKey fingerprint {Fingerprint}); {LeaseCount} database lease(s) alive in the emulator")]
    private static partial void LogRotated(ILogger logger, string kvPath, int version, string fingerprint, int leaseCount);
}

using Microsoft.Extensions.Options;

namespace AksSample;

/// <summary>
/// The local demo's stand-in for a rotation: every <see cref="DemoOptions.RotationInterval"/> it publishes a new payload
/// (same user, new password) into the <see cref="DemoVolume"/>, the way the kubelet would after a Secret update. With the
/// PostgreSQL load and an admin connection (<see cref="DemoPostgresRole"/>), it changes the role's password on the server first.
/// </summary>
public sealed partial class DemoRotator(
    DemoVolume volume,
    IOptions<DemoOptions> options,
    TimeProvider timeProvider,
    ILogger<DemoRotator> logger,
    DemoPostgresRole? postgresRole = null)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RotationInterval;
        LogStarted(logger, volume.MountPath, interval);
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RotateAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    private async Task RotateAsync(CancellationToken stoppingToken)
    {
        var payload = DemoPayload.Create();
        try
        {
            if (postgresRole is not null)
            {
                await postgresRole.PublishAsync(payload, stoppingToken);
            }
            else
            {
                volume.Publish(payload);
            }

            LogPublished(logger, volume.CurrentVersion ?? "?", SecretFingerprint.Of(payload[nameof(DatabaseOptions.Password)]) ?? "?");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogPublishFailed(logger, exception, volume.MountPath);
        }
        catch (Npgsql.NpgsqlException exception)
        {
            // The password was not changed on the server: the volume keeps the old one, so both still agree.
            LogAlterRoleFailed(logger, exception.GetType().Name);
        }
    }

    [LoggerMessage(2000, LogLevel.Information, "Demo rotator: rotating the secrets in {MountPath} every {Interval}")]
    private static partial void LogStarted(ILogger logger, string mountPath, TimeSpan interval);

    [LoggerMessage(2001, LogLevel.Information, "Demo rotator: published {Version} with a new Password (fingerprint {PasswordFingerprint})")]
    private static partial void LogPublished(ILogger logger, string version, string passwordFingerprint);

    [LoggerMessage(2002, LogLevel.Warning, "Demo rotator: could not write the volume {MountPath}; trying again at the next tick")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string mountPath);

    [LoggerMessage(2003, LogLevel.Warning, "Demo rotator: ALTER ROLE failed ({ExceptionType}); the volume keeps its password; trying again at the next tick")]
    private static partial void LogAlterRoleFailed(ILogger logger, string exceptionType);
}

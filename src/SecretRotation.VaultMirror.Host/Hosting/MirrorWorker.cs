using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Hosting;

/// <summary>Runs a pass at start, then one every <see cref="MirrorOptions.PollInterval"/> ± <see cref="MirrorOptions.PollJitter"/>.</summary>
internal sealed class MirrorWorker(MirrorReconciler reconciler, MirrorOptions options, TimeProvider time, ILogger<MirrorWorker> logger) : BackgroundService
{
    /// <summary>Draws the poll jitter, a number in [0, 1). Tests replace it to know exact times.</summary>
    internal Func<double> Randomizer { get; init; } = SecureRandomizer.Next;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = NextDelay(options.PollInterval, options.PollJitter, Randomizer());
            try
            {
                var result = await reconciler.ReconcileAllAsync(stoppingToken);
                if (!result.Succeeded)
                {
                    MirrorHostLog.PassFailed(logger, delay.TotalSeconds);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                MirrorHostLog.PassThrew(logger, exception, delay.TotalSeconds);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary><paramref name="interval"/> scaled by a factor in [1 - jitter, 1 + jitter], from <paramref name="random"/> in [0, 1).</summary>
    public static TimeSpan NextDelay(TimeSpan interval, double jitter, double random) =>
        interval * (1 + (jitter * ((2 * random) - 1)));
}

using Microsoft.Extensions.Options;

namespace AksSample;

/// <summary>
/// The local demo's stand-in for <c>kubectl apply</c> of a rotated Secret: every <see cref="DemoOptions.KubernetesRotationInterval"/>
/// it writes a new <c>SigningKey</c> into the <see cref="DemoKubernetes"/> emulator. The app's watch sees it within milliseconds.
/// </summary>
public sealed partial class DemoKubernetesRotator(DemoKubernetes kubernetes, IOptions<DemoOptions> options, TimeProvider timeProvider, ILogger<DemoKubernetesRotator> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.KubernetesRotationInterval;
        LogStarted(logger, DemoKubernetes.Namespace, DemoKubernetes.SecretName, kubernetes.Address, interval);
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var (resourceVersion, fingerprint) = kubernetes.RotateSigningKey();
                LogRotated(logger, DemoKubernetes.Namespace, DemoKubernetes.SecretName, resourceVersion, fingerprint);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    [LoggerMessage(2300, LogLevel.Information, "Demo Kubernetes rotator: updating the Secret {Namespace}/{SecretName} in the API emulator {Address} every {Interval}")]
    private static partial void LogStarted(ILogger logger, string @namespace, string secretName, Uri address, TimeSpan interval);

    [LoggerMessage(2301, LogLevel.Information, "Demo Kubernetes rotator: updated {Namespace}/{SecretName} to resourceVersion {ResourceVersion} (SigningKey fingerprint {Fingerprint})")]
    private static partial void LogRotated(ILogger logger, string @namespace, string secretName, string resourceVersion, string fingerprint);
}

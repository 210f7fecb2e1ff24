namespace AksSample;

/// <summary>The start-up log lines of <c>Program</c>.</summary>
public static partial class StartupLog
{
    [LoggerMessage(3000, LogLevel.Information, "Local demo mode: secrets volume {MountPath} is rewritten every {RotationInterval}; set Secrets__MountPath to read a real mount. Open {Url}")]
    public static partial void DemoMode(ILogger logger, string mountPath, TimeSpan rotationInterval, string url);

    [LoggerMessage(3001, LogLevel.Information, "Mounted secrets mode: reading {MountPath}. Listening on {Url}")]
    public static partial void MountMode(ILogger logger, string mountPath, string url);
}

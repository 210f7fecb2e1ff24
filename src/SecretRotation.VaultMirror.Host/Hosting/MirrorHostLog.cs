using Microsoft.Extensions.Logging;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Hosting;

/// <summary>Log messages of the Mirror service (worker, events endpoint, start-up); the reconciler's own are in the library.</summary>
internal static partial class MirrorHostLog
{
    [LoggerMessage(409, LogLevel.Information, "Mirror pass failed; the next one is in about {DelaySeconds} s.")]
    public static partial void PassFailed(ILogger logger, double delaySeconds);

    [LoggerMessage(410, LogLevel.Error, "The mirror pass threw; the next one is in about {DelaySeconds} s.")]
    public static partial void PassThrew(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(411, LogLevel.Information, "Event for '{SecretName}' (version {Version}): {Outcome}.")]
    public static partial void EventHandled(ILogger logger, string secretName, string? version, MirrorOutcome outcome);

    [LoggerMessage(412, LogLevel.Debug, "Event for '{SecretName}' in {Store} ignored: {Reason}.")]
    public static partial void EventIgnored(ILogger logger, string secretName, string store, string reason);

    [LoggerMessage(414, LogLevel.Critical, "Invalid configuration: {Problem}")]
    public static partial void InvalidConfiguration(ILogger logger, string problem);
}

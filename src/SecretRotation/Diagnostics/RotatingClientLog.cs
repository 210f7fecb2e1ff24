using Microsoft.Extensions.Logging;

namespace SecretRotation.Diagnostics;

/// <summary>
/// Log messages of rotating clients. They name the client type, the section and exception types; never a value, and never a
/// factory's exception message or stack (a message such as a connection-string parser's may quote the secret).
/// </summary>
internal static partial class RotatingClientLog
{
    [LoggerMessage(40, LogLevel.Information, "Rebuilt {ClientType} from {Section} (generation {Generation}) after its configuration changed.")]
    public static partial void Rebuilt(ILogger logger, string clientType, string section, long generation);

    [LoggerMessage(41, LogLevel.Warning, "Rebuilding {ClientType} from {Section} failed with {ExceptionType} ({ConsecutiveFailures} in a row); keeping generation {Generation}, next try in {RetryDelay}. The exception's message is not logged, as it may contain a secret.")]
    public static partial void RebuildFailed(ILogger logger, string clientType, string section, string exceptionType, int consecutiveFailures, long generation, TimeSpan retryDelay);

    [LoggerMessage(42, LogLevel.Warning, "Replaced {ClientType} from {Section} (generation {Generation}) still had {Leases} lease(s) when its drain timeout of {DrainTimeout} passed; disposing it anyway.")]
    public static partial void DrainTimedOut(ILogger logger, string clientType, string section, long generation, int leases, TimeSpan drainTimeout);

    [LoggerMessage(43, LogLevel.Warning, "Disposing {ClientType} from {Section} (generation {Generation}) threw {ExceptionType}.")]
    public static partial void DisposeFailed(ILogger logger, string clientType, string section, long generation, string exceptionType);

    [LoggerMessage(44, LogLevel.Debug, "Configuration reloaded; the values {ClientType} is built from ({Section}) did not change, so it is not rebuilt.")]
    public static partial void Unchanged(ILogger logger, string clientType, string section);

    [LoggerMessage(45, LogLevel.Information, "{ClientType} from {Section} is built from the current configuration again after {FailedAttempts} failed rebuild(s).")]
    public static partial void Recovered(ILogger logger, string clientType, string section, int failedAttempts);

    [LoggerMessage(46, LogLevel.Error, "A rebuild pass of {ClientType} from {Section} threw {ExceptionType} outside its factory (a logger or a metrics listener); the current instance is kept.")]
    public static partial void RebuildPassFailed(ILogger logger, string clientType, string section, string exceptionType);
}

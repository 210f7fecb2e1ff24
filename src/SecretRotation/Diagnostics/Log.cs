using Microsoft.Extensions.Logging;

namespace SecretRotation.Diagnostics;

/// <summary>Every log message of the core package. Messages carry source names, paths and key names, never values.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Secrets from {Source} changed: {ChangedKeyCount} key(s) ({ChangedKeys}); configuration reloaded.")]
    public static partial void SecretsChanged(ILogger logger, string source, int changedKeyCount, string changedKeys);

    [LoggerMessage(2, LogLevel.Debug, "Secrets from {Source} read ({Triggers}); nothing changed.")]
    public static partial void NothingChanged(ILogger logger, string source, RefreshTriggers triggers);

    [LoggerMessage(3, LogLevel.Warning, "Reading secrets from {Source} failed ({ConsecutiveFailures} in a row); keeping the last good data, next try in {RetryDelay}.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, string source, int consecutiveFailures, TimeSpan retryDelay);

    [LoggerMessage(4, LogLevel.Warning, "Optional secret source {Source} could not be read at start-up; starting empty and retrying in {RetryDelay}.")]
    public static partial void OptionalSourceUnavailable(ILogger logger, Exception exception, string source, TimeSpan retryDelay);

    [LoggerMessage(5, LogLevel.Error, "A configuration reload listener threw after secrets from {Source} changed; the new data is in place.")]
    public static partial void ReloadListenerFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(6, LogLevel.Information, "Secrets from {Source} read again after {FailedAttempts} failed attempt(s).")]
    public static partial void Recovered(ILogger logger, string source, int failedAttempts);

    [LoggerMessage(7, LogLevel.Warning, "Could not start watching {Source}; relying on polling.")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(8, LogLevel.Warning, "Secret {Key} from {Source} (version {Version}) expires at {ExpiresOn:O}; rotate it before then.")]
    public static partial void SecretNearExpiry(ILogger logger, string key, string source, string version, DateTimeOffset expiresOn);

    [LoggerMessage(9, LogLevel.Warning, "An earlier read of {Source} timed out and is still running (the source ignores cancellation); the next read waits for it, for up to {ReadTimeout}, instead of starting beside it.")]
    public static partial void WaitingForAbandonedRead(ILogger logger, string source, TimeSpan readTimeout);

    [LoggerMessage(10, LogLevel.Warning, "Secret source {Source} is throttled at start-up (attempt {Attempt}; the store asked to wait {RetryAfter}); trying again in {RetryDelay}, within StartupThrottleWait ({StartupThrottleWait}).")]
    public static partial void StartupThrottled(ILogger logger, Exception exception, string source, int attempt, TimeSpan retryAfter, TimeSpan retryDelay, TimeSpan startupThrottleWait);

    [LoggerMessage(20, LogLevel.Warning, "Skipping '{Path}' in {Source}: {Size} bytes is over the {Limit}-byte limit.")]
    public static partial void FileTooLarge(ILogger logger, string path, string source, long size, long limit);

    [LoggerMessage(21, LogLevel.Warning, "Skipping '{Path}' in {Source}: it is a link that resolves outside the mount.")]
    public static partial void LinkOutsideMount(ILogger logger, string path, string source);

    [LoggerMessage(22, LogLevel.Debug, "The ..data link of {Source} moved during a read; reading again.")]
    public static partial void DataLinkMovedDuringRead(ILogger logger, string source);

    [LoggerMessage(23, LogLevel.Warning, "The file watcher of {Source} reported an error; a full read follows.")]
    public static partial void WatcherError(ILogger logger, Exception exception, string source);

    [LoggerMessage(24, LogLevel.Warning, "Skipping '{Path}' in {Source}: it is a {Kind}, not a regular file; only regular files are read.")]
    public static partial void NotARegularFile(ILogger logger, string path, string source, MountedVolumes.FileKind kind);
}

using Microsoft.Extensions.Logging;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>Log messages of the Kubernetes source: object names, resource versions and statuses, never values or tokens.</summary>
internal static partial class KubernetesLog
{
    [LoggerMessage(1400, LogLevel.Debug, "Listed {Query} at resourceVersion {ResourceVersion}: {Count} objects; watching from there.")]
    public static partial void Listed(ILogger logger, string query, string resourceVersion, int count);

    [LoggerMessage(1401, LogLevel.Debug, "Watch of {Query}: {Type} {Name} at resourceVersion {ResourceVersion} (data changed: {DataChanged}).")]
    public static partial void Event(ILogger logger, string query, string type, string name, string resourceVersion, bool dataChanged);

    [LoggerMessage(1402, LogLevel.Trace, "Watch of {Query}: bookmark at resourceVersion {ResourceVersion}.")]
    public static partial void Bookmark(ILogger logger, string query, string resourceVersion);

    [LoggerMessage(1403, LogLevel.Information, "Watch of {Query}: resourceVersion {ResourceVersion} is too old (410 Gone); listing again.")]
    public static partial void Expired(ILogger logger, string query, string resourceVersion);

    [LoggerMessage(1404, LogLevel.Warning, "Watch of {Query}: no event or bookmark for {Seconds} s; restarting it from resourceVersion {ResourceVersion}.")]
    public static partial void Stalled(ILogger logger, string query, double seconds, string resourceVersion);

    [LoggerMessage(1405, LogLevel.Warning, "Watch of {Query} failed ({Failures} in a row); watching again in {DelayMs} ms.")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string query, int failures, double delayMs);

    [LoggerMessage(1406, LogLevel.Debug, "Watch of {Query} ended after {Seconds} s ({Events} events); watching again from resourceVersion {ResourceVersion} in {DelayMs} ms.")]
    public static partial void WatchEnded(ILogger logger, string query, double seconds, int events, string resourceVersion, double delayMs);

    [LoggerMessage(1407, LogLevel.Warning, "Watch of {Query} ended with an ERROR event (code {Code}, reason {Reason}); listing again.")]
    public static partial void ErrorEvent(ILogger logger, string query, int code, string reason);

    [LoggerMessage(1408, LogLevel.Warning, "A list of {Query} found data the watch had not delivered; restarting the watch.")]
    public static partial void WatchMissedChange(ILogger logger, string query);

    [LoggerMessage(1410, LogLevel.Debug, "Watching {Query} from resourceVersion {ResourceVersion} (timeoutSeconds {TimeoutSeconds}).")]
    public static partial void Watching(ILogger logger, string query, string resourceVersion, int timeoutSeconds);

    [LoggerMessage(1409, LogLevel.Warning, "{Object} was deleted; keeping its last values (KeepLastGoodWhenDeleted) until it comes back.")]
    public static partial void KeptDeleted(ILogger logger, string @object);
}

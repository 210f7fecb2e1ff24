using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.Events;

/// <summary>Log messages of the push endpoint and receivers: event ids, types, vault and secret names, never values or keys.</summary>
internal static partial class EventsLog
{
    [LoggerMessage(300, LogLevel.Debug, "Ignoring event {EventId} of type {EventType}.")]
    public static partial void IgnoredEventType(ILogger logger, string eventId, string eventType);

    [LoggerMessage(301, LogLevel.Debug, "Event {EventId} was already handled; ignoring the redelivery.")]
    public static partial void Duplicate(ILogger logger, string eventId);

    [LoggerMessage(302, LogLevel.Debug, "No secret source reads vault {Vault}; ignoring the event for '{SecretName}'.")]
    public static partial void NoSourceForVault(ILogger logger, string vault, string secretName);

    [LoggerMessage(303, LogLevel.Warning, "Key Vault reports {EventType} for secret '{SecretName}' in {Vault}, which this app holds.")]
    public static partial void ExpiryEvent(ILogger logger, string eventType, string secretName, string vault);

    [LoggerMessage(304, LogLevel.Warning, "Refreshing after events for {Vault} failed or timed out ({Reason}); answering 503 so the sender retries.")]
    public static partial void RefreshFailed(ILogger logger, string vault, string reason);

    [LoggerMessage(305, LogLevel.Information, "Refreshed {Count} secret(s) after {EventCount} event(s).")]
    public static partial void Refreshed(ILogger logger, int count, int eventCount);

    [LoggerMessage(306, LogLevel.Warning, "Refused a secret rotation event request: {Reason}.")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(307, LogLevel.Information, "Answered the Event Grid subscription validation handshake.")]
    public static partial void Validated(ILogger logger);

    [LoggerMessage(308, LogLevel.Debug, "Key Vault reports {EventType} for secret '{SecretName}' in {Vault}, which no source holds; not recorded.")]
    public static partial void ExpiryEventNotHeld(ILogger logger, string eventType, string secretName, string vault);
}

using System.Diagnostics.CodeAnalysis;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation;

/// <summary>
/// Turns Azure Key Vault's secret events, as Azure Event Grid delivers them (Event Grid schema or CloudEvents 1.0), into
/// transport-neutral <see cref="SecretChangeNotice"/>s, for consumers of your own: an Azure Functions Event Grid or Service Bus
/// trigger, a Dapr subscription, your own Service Bus processor. Hand each notice to the refreshers of your configuration
/// (<c>configuration.GetSecretRefreshers()</c>); every source decides whether the notice is its own. <c>MapSecretRotationEvents</c>,
/// <c>AddSecretRotationServiceBus</c> and <see cref="EventGridWebhook"/> parse with the same code.
/// </summary>
/// <remarks>
/// <para>
/// Two event types become notices: <c>Microsoft.KeyVault.SecretNewVersionCreated</c> (the notice names the new version, so a
/// source that has loaded it already reads nothing) and <c>Microsoft.KeyVault.SecretExpired</c> (the notice names no version:
/// the source reads the secret again, and an expired secret drops out). <c>Microsoft.KeyVault.SecretNearExpiry</c> changes no
/// value and gives no notice; <c>MapSecretRotationEvents</c> and the Service Bus receiver report it in the health check.
/// </para>
/// <para>
/// Nothing here throws on what a sender controls: anything malformed, of another type or without the fields a notice needs
/// gives <see langword="false"/>. A secret name Key Vault cannot hold (<c>^[0-9A-Za-z-]{1,127}$</c>) is malformed. Events are
/// delivered at least once and unordered; the Key Vault source ignores versions it has seen, so duplicates cost nothing.
/// </para>
/// </remarks>
/// <example>
/// An Azure Functions (isolated worker) Event Grid trigger:
/// <code>
/// [Function("SecretChanged")]
/// public async Task Run([EventGridTrigger] EventGridEvent e, CancellationToken cancellationToken)
/// {
///     if (e.TryCreateSecretChangeNotice(out var notice))
///     {
///         foreach (var refresher in configuration.GetSecretRefreshers())
///         {
///             await refresher.RefreshAsync(notice, cancellationToken);
///         }
///     }
/// }
/// </code>
/// </example>
public static class KeyVaultSecretEvents
{
    /// <summary>Creates the change notice an Event Grid schema event stands for.</summary>
    /// <param name="eventGridEvent">The event, e.g. from <see cref="EventGridEvent.ParseMany(BinaryData)"/> or a Functions trigger.</param>
    /// <param name="notice">The notice, when the method returns <see langword="true"/>.</param>
    /// <returns>
    /// <see langword="true"/> for a well-formed <c>SecretNewVersionCreated</c> or <c>SecretExpired</c> event; otherwise
    /// <see langword="false"/> (other types, missing or malformed data, <see langword="null"/>).
    /// </returns>
    /// <example>
    /// <code>
    /// foreach (var e in EventGridEvent.ParseMany(body))
    /// {
    ///     if (e.TryCreateSecretChangeNotice(out var notice)) { /* refresh */ }
    /// }
    /// </code>
    /// </example>
    public static bool TryCreateSecretChangeNotice(this EventGridEvent? eventGridEvent, [NotNullWhen(true)] out SecretChangeNotice? notice) =>
        TryCreateNotice(eventGridEvent?.EventType, eventGridEvent?.Data, out notice, out _);

    /// <summary>Creates the change notice a CloudEvent stands for.</summary>
    /// <param name="cloudEvent">The event, e.g. from <see cref="CloudEvent.ParseMany(BinaryData, bool)"/> or a Functions trigger.</param>
    /// <param name="notice">The notice, when the method returns <see langword="true"/>.</param>
    /// <returns>
    /// <see langword="true"/> for a well-formed <c>SecretNewVersionCreated</c> or <c>SecretExpired</c> event; otherwise
    /// <see langword="false"/> (other types, missing or malformed data, <see langword="null"/>).
    /// </returns>
    /// <example>
    /// <code>
    /// if (CloudEvent.Parse(body) is { } e &amp;&amp; e.TryCreateSecretChangeNotice(out var notice)) { /* refresh */ }
    /// </code>
    /// </example>
    public static bool TryCreateSecretChangeNotice(this CloudEvent? cloudEvent, [NotNullWhen(true)] out SecretChangeNotice? notice) =>
        TryCreateNotice(cloudEvent?.Type, cloudEvent?.Data, out notice, out _);

    /// <summary>
    /// Reads a delivery body as the events' transports carry it and returns the notices its Key Vault secret events stand for.
    /// Accepted: an Event Grid schema array or single event (a Service Bus message from an Event Grid subscription holds one),
    /// a CloudEvents batch (array) or single CloudEvent; the schema is told by the body (<c>specversion</c> marks CloudEvents).
    /// </summary>
    /// <param name="body">The body; for bytes or a string, <c>new BinaryData(bytes)</c> or <c>BinaryData.FromString(text)</c>.</param>
    /// <param name="notices">The notices, without duplicates, in the order of the events; empty when the method returns <see langword="false"/>.</param>
    /// <returns>
    /// <see langword="false"/> when the body is not a well-formed batch of events, or when an event of a type that gives a notice
    /// is malformed: then act on none of it. <see langword="true"/> otherwise; events of other types (an Event Grid subscription
    /// validation event too) are skipped, so <paramref name="notices"/> may be empty: acknowledge such a delivery.
    /// </returns>
    /// <remarks>The body is parsed whole: bound what you accept (Event Grid's events are at most 1 MB) before calling this.</remarks>
    /// <example>
    /// Your own Service Bus processor, subscribed to the topic Event Grid delivers Key Vault's events to:
    /// <code>
    /// processor.ProcessMessageAsync += async args =>
    /// {
    ///     if (!KeyVaultSecretEvents.TryParseSecretChangeNotices(args.Message.Body, out var notices))
    ///     {
    ///         await args.DeadLetterMessageAsync(args.Message, "InvalidSecretRotationEvent");
    ///         return;
    ///     }
    ///
    ///     foreach (var notice in notices)
    ///     {
    ///         foreach (var refresher in configuration.GetSecretRefreshers())
    ///         {
    ///             await refresher.RefreshAsync(notice, args.CancellationToken);
    ///         }
    ///     }
    ///
    ///     await args.CompleteMessageAsync(args.Message);
    /// };
    /// </code>
    /// </example>
    public static bool TryParseSecretChangeNotices(BinaryData? body, out IReadOnlyList<SecretChangeNotice> notices)
    {
        notices = [];
        if (body is null || body.ToMemory().IsEmpty
            || !EventEnvelopeParser.TryParseSniffed(null, body, out var events, out _)
            || !TryCreateNotices(events, out var parsed, out _))
        {
            return false;
        }

        notices = parsed;
        return true;
    }

    /// <summary>The notices of a parsed delivery: false (with a short reason that quotes nothing) if one of its events is malformed.</summary>
    internal static bool TryCreateNotices(IReadOnlyList<IncomingEvent> events, out IReadOnlyList<SecretChangeNotice> notices, out string? problem)
    {
        notices = [];
        var found = new List<SecretChangeNotice>();
        foreach (var incoming in events)
        {
            if (!GivesNotice(incoming.Type))
            {
                continue;
            }

            if (!TryCreateNotice(incoming.Type, incoming.Data, out var notice, out problem))
            {
                return false;
            }

            if (!found.Contains(notice))
            {
                found.Add(notice);
            }
        }

        notices = found;
        problem = null;
        return true;
    }

    private static bool GivesNotice(string? eventType) =>
        eventType is KeyVaultEventTypes.SecretNewVersionCreated or KeyVaultEventTypes.SecretExpired;

    private static bool TryCreateNotice(string? eventType, BinaryData? data, [NotNullWhen(true)] out SecretChangeNotice? notice, out string? problem)
    {
        notice = null;
        if (!GivesNotice(eventType))
        {
            problem = "not a new version or an expiry";
            return false;
        }

        if (!KeyVaultEventData.TryParse(data, out var parsed, out problem))
        {
            return false;
        }

        // An expiry names no version: the loaded version is the one that expired, and a notice naming it would be skipped as seen.
        notice = parsed!.ToNotice(eventType == KeyVaultEventTypes.SecretNewVersionCreated ? parsed.Version : null);
        return true;
    }
}

using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.ServiceBus;

/// <summary>
/// Turns one Service Bus message into an outcome, through the same parser and dispatcher as the webhook. Event Grid puts each
/// event in its own message: the body is one Event Grid schema object, or one CloudEvent (CloudEvents schema); an array of
/// either is accepted too. Unparsable or malformed messages are poison (dead-letter); failed refreshes are retried (abandon).
/// </summary>
internal sealed class ServiceBusEventHandler(SecretRotationEventDispatcher dispatcher, ILogger logger)
{
    /// <summary>The dispatcher, for the receiver's push-health reports.</summary>
    internal SecretRotationEventDispatcher Dispatcher => dispatcher;

    /// <summary>Larger bodies are poison: Key Vault's events are small, and Event Grid's are at most 1 MB.</summary>
    public const int MaxBodySize = 1024 * 1024;

    public async Task<MessageOutcome> HandleAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.Body;
        if (body is null || body.ToMemory().Length == 0)
        {
            return MessageOutcome.DeadLetter("empty body");
        }

        if (body.ToMemory().Length > MaxBodySize)
        {
            return MessageOutcome.DeadLetter("body too large");
        }

        if (!EventEnvelopeParser.TryParseSniffed(message.ContentType, body, out var events, out var problem))
        {
            return MessageOutcome.DeadLetter(problem!);
        }

        DispatchResult result;
        try
        {
            result = await dispatcher.DispatchAsync(events, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return MessageOutcome.Abandon("stopping");
        }
        catch (Exception exception)
        {
            // Any other failure of a refresher is a failed refresh: retry the message, never lose it silently.
            ServiceBusLog.HandlerFailed(logger, exception, message.MessageId);
            return MessageOutcome.Abandon("refresh threw");
        }

        return result.Status switch
        {
            DispatchStatus.Done => MessageOutcome.Complete(result.Refreshed),
            DispatchStatus.Invalid => MessageOutcome.DeadLetter(result.Reason ?? "invalid event"),
            _ => MessageOutcome.Abandon(result.Reason ?? "refresh failed"),
        };
    }
}

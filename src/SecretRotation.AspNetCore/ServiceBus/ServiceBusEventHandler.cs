using System.Net.Http.Headers;
using System.Text.Json;
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
    /// <summary>Larger bodies are poison: Key Vault's events are small, and Event Grid's are at most 1 MB.</summary>
    public const int MaxBodySize = 1024 * 1024;

    private const string EventGridContentType = "application/json";
    private const string CloudEventContentType = "application/cloudevents+json";
    private const string CloudEventBatchContentType = "application/cloudevents-batch+json";

    private static readonly JsonDocumentOptions SniffOptions = new() { MaxDepth = 64 };

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

        if (!TryFrame(message.ContentType, body, out var contentType, out var framed, out var problem)
            || !EventEnvelopeParser.TryParse(contentType, framed, out var events, out problem))
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

    /// <summary>
    /// Chooses the content type for <see cref="EventEnvelopeParser"/>: a CloudEvents type on the message is kept; otherwise the
    /// body decides (<c>specversion</c> marks a CloudEvent). One Event Grid schema object is wrapped into the array that the
    /// Event Grid schema parser expects.
    /// </summary>
    internal static bool TryFrame(string? messageContentType, BinaryData body, out string contentType, out BinaryData framed, out string? problem)
    {
        contentType = EventGridContentType;
        framed = body;
        JsonValueKind kind;
        bool cloudEvents;
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory(), SniffOptions);
            var root = document.RootElement;
            kind = root.ValueKind;
            var first = kind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root;
            cloudEvents = first.ValueKind == JsonValueKind.Object && first.TryGetProperty("specversion", out _);
        }
        catch (JsonException)
        {
            problem = "malformed JSON";
            return false;
        }

        if (kind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            problem = "expected a JSON object or array of events";
            return false;
        }

        var declared = MediaTypeHeaderValue.TryParse(messageContentType, out var mediaType) ? mediaType.MediaType?.ToLowerInvariant() : null;
        if (declared is CloudEventContentType or CloudEventBatchContentType)
        {
            contentType = declared;
        }
        else if (cloudEvents)
        {
            contentType = kind == JsonValueKind.Array ? CloudEventBatchContentType : CloudEventContentType;
        }
        else if (kind == JsonValueKind.Object)
        {
            var bytes = body.ToMemory().Span;
            var wrapped = new byte[bytes.Length + 2];
            wrapped[0] = (byte)'[';
            bytes.CopyTo(wrapped.AsSpan(1));
            wrapped[^1] = (byte)']';
            framed = new BinaryData(wrapped);
        }

        problem = null;
        return true;
    }
}

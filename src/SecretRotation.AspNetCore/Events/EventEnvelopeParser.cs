using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.EventGrid;

namespace SecretRotation.AspNetCore.Events;

/// <summary>
/// Reads a delivery body as Event Grid schema (a JSON array) or CloudEvents 1.0 (<c>application/cloudevents+json</c>, one
/// object, or <c>application/cloudevents-batch+json</c>, an array) with the Azure SDK's parsers. Never throws: a bad body is a
/// short reason that quotes nothing from it.
/// </summary>
internal static class EventEnvelopeParser
{
    private const string EventGridContentType = "application/json";
    private const string CloudEventContentType = "application/cloudevents+json";
    private const string CloudEventBatchContentType = "application/cloudevents-batch+json";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>Required by the Event Grid schema; the SDK's parser lets some of them be missing.</summary>
    private static readonly string[] EventGridRequired = ["id", "subject", "eventType", "eventTime", "data", "dataVersion"];

    /// <summary>Required by CloudEvents 1.0.</summary>
    private static readonly string[] CloudEventsRequired = ["id", "source", "type", "specversion"];

    /// <summary>
    /// Like <see cref="TryParse"/> for bodies whose content type may be missing or generic (a Service Bus message, a body a user's
    /// own consumer hands over): a declared CloudEvents type is kept, otherwise the body decides, and one Event Grid schema
    /// object is accepted as well as an array.
    /// </summary>
    public static bool TryParseSniffed(string? declaredContentType, BinaryData body, out IReadOnlyList<IncomingEvent> events, out string? problem)
    {
        events = [];
        if (!TryFrame(declaredContentType, body, out var contentType, out var framed, out problem))
        {
            return false;
        }

        return TryParse(contentType, framed, out events, out problem);
    }

    public static bool TryParse(string? contentType, BinaryData body, out IReadOnlyList<IncomingEvent> events, out string? problem)
    {
        events = [];
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || mediaType.MediaType is null)
        {
            problem = "missing or invalid content type";
            return false;
        }

        JsonValueKind kind;
        bool looksLikeCloudEvents;
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory(), Options);
            var root = document.RootElement;
            kind = root.ValueKind;
            var items = kind == JsonValueKind.Array ? root.EnumerateArray().ToArray() : [root];
            if (items.Any(item => item.ValueKind != JsonValueKind.Object))
            {
                problem = "every event must be a JSON object";
                return false;
            }

            looksLikeCloudEvents = items.Length > 0 && items[0].TryGetProperty("specversion", out _);
            var required = looksLikeCloudEvents ? CloudEventsRequired : EventGridRequired;
            if (items.Any(item => required.Any(field => !item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)))
            {
                problem = $"an event lacks one of the required fields ({string.Join(", ", required)})";
                return false;
            }
        }
        catch (JsonException)
        {
            problem = "malformed JSON";
            return false;
        }

        try
        {
            switch (mediaType.MediaType.ToLowerInvariant())
            {
                case "application/json" when kind == JsonValueKind.Array && !looksLikeCloudEvents:
                    events = EventGridEvent.ParseMany(body).Select(e => new IncomingEvent(e.Id, e.EventType, e.Subject, e.Data)).ToArray();
                    break;
                case "application/json" when kind == JsonValueKind.Array:
                case "application/cloudevents-batch+json" when kind == JsonValueKind.Array:
                case "application/cloudevents+json" when kind is JsonValueKind.Object or JsonValueKind.Array:
                    events = CloudEvent.ParseMany(body).Select(e => new IncomingEvent(e.Id, e.Type, e.Subject, e.Data)).ToArray();
                    break;
                case "application/json":
                case "application/cloudevents-batch+json":
                    problem = "expected a JSON array of events";
                    return false;
                default:
                    problem = "unsupported content type";
                    return false;
            }
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException or NotSupportedException or OverflowException or NullReferenceException)
        {
            problem = "events lack required fields or have fields of the wrong type";
            return false;
        }

        if (events.Count == 0)
        {
            problem = "no events";
            return false;
        }

        if (events.Any(e => string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.Type)))
        {
            problem = "an event lacks its id or type";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// Chooses the content type for <see cref="TryParse"/>: a declared CloudEvents type is kept; otherwise the
    /// body decides (<c>specversion</c> marks a CloudEvent). One Event Grid schema object is wrapped into the array that the
    /// Event Grid schema parser expects.
    /// </summary>
    private static bool TryFrame(string? messageContentType, BinaryData body, out string contentType, out BinaryData framed, out string? problem)
    {
        contentType = EventGridContentType;
        framed = body;
        JsonValueKind kind;
        bool cloudEvents;
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory(), Options);
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

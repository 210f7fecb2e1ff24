using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>
/// What Event Grid puts on the wire for webhook delivery: envelopes, header names and values, time format. Sources: the Event Grid docs
/// (event-schema, cloud-event-schema, webhook-event-delivery, end-point-validation-*, the message-headers include) and the CloudEvents
/// 1.0 JSON format and HTTP webhook spec.
/// </summary>
internal static class EventGridWire
{
    public const string DefaultAzureSubscriptionId = "5f0c3e7a-0000-4c2e-9a6f-0d1e2c3b4a59";

    public const string EventGridContentType = "application/json; charset=utf-8";
    public const string CloudEventContentType = "application/cloudevents+json; charset=utf-8";
    public const string CloudEventBatchContentType = "application/cloudevents-batch+json; charset=utf-8";

    public const string EventTypeHeader = "aeg-event-type";
    public const string SubscriptionNameHeader = "aeg-subscription-name";
    public const string DeliveryCountHeader = "aeg-delivery-count";
    public const string MetadataVersionHeader = "aeg-metadata-version";
    public const string DataVersionHeader = "aeg-data-version";
    public const string OutputEventIdHeader = "aeg-output-event-id";

    public const string NotificationEventType = "Notification";
    public const string SubscriptionValidationEventType = "SubscriptionValidation";
    public const string ValidationEventType = "Microsoft.EventGrid.SubscriptionValidationEvent";

    /// <summary>The Event Grid schema's metadata version; under CloudEvents <c>aeg-metadata-version</c> carries the spec version instead.</summary>
    public const string MetadataVersion = "1";
    public const string CloudEventsSpecVersion = "1.0";

    public const string Origin = "eventgrid.azure.net";
    public const string RequestOriginHeader = "WebHook-Request-Origin";
    public const string RequestRateHeader = "WebHook-Request-Rate";
    public const string AllowedOriginHeader = "WebHook-Allowed-Origin";
    public const string AllowedRateHeader = "WebHook-Allowed-Rate";

    /// <summary>Leaves <c>&amp;</c>, <c>+</c> and <c>'</c> unescaped, as a service writes them, instead of <c>\u0026</c>.</summary>
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>ISO-8601 in UTC with seven fractional digits, as in <c>2019-07-25T01:08:33.1036736Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An Event Grid schema body: always an array, even for one event.</summary>
    public static byte[] EventGridBody(IReadOnlyList<EventGridTestEvent> events) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var item in events)
        {
            writer.WriteStartObject();
            writer.WriteString("id", item.Id);
            writer.WriteString("topic", item.Topic);
            writer.WriteString("subject", item.Subject);
            writer.WriteString("eventType", item.EventType);
            writer.WriteString("eventTime", FormatTime(item.Time));
            writer.WritePropertyName("data");
            WriteData(writer, item);
            writer.WriteString("dataVersion", item.DataVersion);
            writer.WriteString("metadataVersion", MetadataVersion);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    /// <summary>A CloudEvents body: one event as an object (structured mode), several as a JSON batch (an array).</summary>
    public static byte[] CloudEventsBody(IReadOnlyList<EventGridTestEvent> events) => Write(writer =>
    {
        if (events.Count == 1)
        {
            WriteCloudEvent(writer, events[0]);
            return;
        }

        writer.WriteStartArray();
        foreach (var item in events)
        {
            WriteCloudEvent(writer, item);
        }

        writer.WriteEndArray();
    });

    /// <summary>The one-element array of a <c>Microsoft.EventGrid.SubscriptionValidationEvent</c>, shaped like the docs' example.</summary>
    public static byte[] ValidationBody(string eventId, string topic, string validationCode, string validationUrl, DateTimeOffset time) => Write(writer =>
    {
        writer.WriteStartArray();
        writer.WriteStartObject();
        writer.WriteString("id", eventId);
        writer.WriteString("topic", topic);
        writer.WriteString("subject", "");
        writer.WriteStartObject("data");
        writer.WriteString("validationCode", validationCode);
        writer.WriteString("validationUrl", validationUrl);
        writer.WriteEndObject();
        writer.WriteString("eventType", ValidationEventType);
        writer.WriteString("eventTime", FormatTime(time));
        writer.WriteString("metadataVersion", MetadataVersion);
        writer.WriteString("dataVersion", "1");
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    private static void WriteCloudEvent(Utf8JsonWriter writer, EventGridTestEvent item)
    {
        writer.WriteStartObject();
        writer.WriteString("id", item.Id);
        writer.WriteString("source", item.Topic);
        writer.WriteString("subject", item.Subject);
        writer.WriteString("type", item.EventType);
        writer.WriteString("time", FormatTime(item.Time));
        writer.WritePropertyName("data");
        WriteData(writer, item);
        writer.WriteString("specversion", CloudEventsSpecVersion);
        writer.WriteString("datacontenttype", "application/json");
        writer.WriteEndObject();
    }

    private static void WriteData(Utf8JsonWriter writer, EventGridTestEvent item)
    {
        if (item.Data is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            item.Data.WriteTo(writer);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// Parses what the API server sends: a list (<c>SecretList</c>/<c>ConfigMapList</c>), one watch event per line, a
/// <c>Status</c>. Messages name fields and positions, never content.
/// </summary>
internal static class KubernetesJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>Parses a list answer.</summary>
    /// <exception cref="InvalidDataException">The answer is not a list of the kind asked for.</exception>
    public static (string ResourceVersion, List<KubernetesObject> Items) ParseList(ReadOnlyMemory<byte> body, ResourceKind kind, int maxSize)
    {
        using var document = Parse(body, "list");
        var root = document.RootElement;
        var resourceVersion = root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String
            ? rv.GetString()!
            : throw new InvalidDataException("The list answer has no metadata.resourceVersion.");
        var items = new List<KubernetesObject>();
        if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                items.Add(ParseObject(item, kind, maxSize));
            }
        }
        else if (!root.TryGetProperty("items", out var nullItems) || nullItems.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidDataException("The list answer has no items array.");
        }

        return (resourceVersion, items);
    }

    /// <summary>Parses one watch event line.</summary>
    /// <exception cref="InvalidDataException">The line is not a watch event.</exception>
    public static WatchEvent ParseEvent(ReadOnlyMemory<byte> line, ResourceKind kind, int maxSize)
    {
        using var document = Parse(line, "watch event");
        var root = document.RootElement;
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
        if (type is null || !root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("A watch event has no type or no object.");
        }

        switch (type)
        {
            case "ADDED":
            case "MODIFIED":
            case "DELETED":
                var parsed = ParseObject(obj, kind, maxSize);
                return new WatchEvent(type, parsed, parsed.ResourceVersion, StatusCode: null, Reason: null);
            case "BOOKMARK":
                return new WatchEvent(type, null, ReadMetadataString(obj, "resourceVersion")
                    ?? throw new InvalidDataException("A BOOKMARK event has no metadata.resourceVersion."), null, null);
            case "ERROR":
                var (code, reason) = ParseStatus(obj);
                return new WatchEvent(type, null, null, code, reason);
            default:
                throw new InvalidDataException($"Unknown watch event type '{Truncate(type)}'.");
        }
    }

    /// <summary>Reads <c>code</c> and <c>reason</c> of a <c>Status</c> (an ERROR event's object or an error answer); never its message.</summary>
    public static (int? Code, string? Reason) ParseStatus(JsonElement status)
    {
        int? code = status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var value) ? value : null;
        var reason = status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? Truncate(r.GetString()!) : null;
        return (code, reason);
    }

    /// <summary>Reads a Status body, if the bytes are one.</summary>
    public static (int? Code, string? Reason) TryParseStatus(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, Options);
            return document.RootElement.ValueKind == JsonValueKind.Object ? ParseStatus(document.RootElement) : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>Parses one Secret or ConfigMap. An object over <paramref name="maxSize"/> decoded bytes keeps no data and says so.</summary>
    public static KubernetesObject ParseObject(JsonElement obj, ResourceKind kind, int maxSize)
    {
        var name = ReadMetadataString(obj, "name") ?? throw new InvalidDataException("An object has no metadata.name.");
        var resourceVersion = ReadMetadataString(obj, "resourceVersion") ?? "";
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long size = 0;
        if (obj.TryGetProperty("data", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in values.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"The value of key '{Truncate(property.Name)}' in '{Truncate(name)}' is not a string.");
                }

                var bytes = kind == ResourceKind.Secret
                    ? DecodeBase64(property.Value, property.Name, name)
                    : Encoding.UTF8.GetBytes(property.Value.GetString()!);
                size += bytes.Length;
                if (size > maxSize)
                {
                    return Oversized(name, resourceVersion, maxSize);
                }

                data[property.Name] = bytes;
            }
        }

        if (kind == ResourceKind.ConfigMap && obj.TryGetProperty("binaryData", out var binary) && binary.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in binary.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"The value of key '{Truncate(property.Name)}' in '{Truncate(name)}' is not a string.");
                }

                var bytes = DecodeBase64(property.Value, property.Name, name);
                size += bytes.Length;
                if (size > maxSize)
                {
                    return Oversized(name, resourceVersion, maxSize);
                }

                if (!data.TryAdd(property.Name, bytes))
                {
                    throw new InvalidDataException($"The key '{Truncate(property.Name)}' is in both data and binaryData of '{Truncate(name)}'.");
                }
            }
        }

        return new KubernetesObject(name, resourceVersion, data, size);
    }

    private static KubernetesObject Oversized(string name, string resourceVersion, int maxSize) =>
        new(name, resourceVersion, new Dictionary<string, byte[]>(), size: -1)
        {
            Problem = $"holds more than MaxSecretSize ({maxSize.ToString(CultureInfo.InvariantCulture)} bytes) of data",
        };

    private static byte[] DecodeBase64(JsonElement value, string key, string name)
    {
        if (value.TryGetBytesFromBase64(out var bytes))
        {
            return bytes;
        }

        // Say which key, never what it held.
        throw new InvalidDataException($"The value of key '{Truncate(key)}' in '{Truncate(name)}' is not valid base64.");
    }

    private static string? ReadMetadataString(JsonElement obj, string property) =>
        obj.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static JsonDocument Parse(ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            var document = JsonDocument.Parse(json, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new InvalidDataException($"The {what} is not a JSON object.");
            }

            return document;
        }
        catch (JsonException exception)
        {
            // The position only: a JsonException's message may quote content.
            throw new InvalidDataException($"The {what} is not valid JSON (line {exception.LineNumber}, byte {exception.BytePositionInLine}).");
        }
    }

    /// <summary>Names from the server are shown, but never more than 253 characters (the longest valid object name).</summary>
    internal static string Truncate(string text) => text.Length <= 253 ? text : string.Concat(text.AsSpan(0, 253), "…");
}

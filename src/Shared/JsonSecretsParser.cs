using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace SecretRotation.Shared;

/// <summary>
/// Flattens a JSON object into configuration keys, as the JSON configuration provider does. Shared source: compiled into
/// each package that needs it, so no package exposes it.
/// </summary>
internal static class JsonSecretsParser
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <exception cref="FormatException">The content is not a JSON object. The message gives a position, never content.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(ReadOnlyMemory<byte> json, string path)
    {
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException exception)
        {
            // JsonException's own message can quote the offending character, which may be part of a secret.
            throw new FormatException($"'{path}' is not valid JSON (line {(exception.LineNumber ?? 0) + 1}, byte {(exception.BytePositionInLine ?? 0) + 1}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"'{path}' must hold a JSON object, not {document.RootElement.ValueKind}.");
            }

            var pairs = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            Flatten(document.RootElement, prefix: null, pairs, seen, path);
            return pairs;
        }
    }

    private static void Flatten(JsonElement element, string? prefix, List<KeyValuePair<string, string>> pairs, HashSet<string> seen, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var key = prefix is null ? property.Name : ConfigurationPath.Combine(prefix, property.Name);
                    Flatten(property.Value, key, pairs, seen, path);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, ConfigurationPath.Combine(prefix!, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), pairs, seen, path);
                    index++;
                }

                break;
            default:
                if (!seen.Add(prefix!))
                {
                    throw new FormatException($"'{path}' holds the key '{prefix}' more than once.");
                }

                var value = element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString()!,
                    JsonValueKind.Null => string.Empty,
                    _ => element.GetRawText(),
                };
                pairs.Add(new KeyValuePair<string, string>(prefix!, value));
                break;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// The PATCH content types: JSON merge patch (RFC 7386), strategic merge patch (for Secrets and ConfigMaps, whose fields are maps
/// and scalars, the same as a merge patch apart from its <c>$</c> directives, which are dropped), and JSON patch (RFC 6902).
/// </summary>
internal static class KubernetesPatch
{
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";

    /// <exception cref="KubernetesErrorException">415 for another content type, 400 or 422 for a patch that does not apply.</exception>
    public static JsonObject Apply(string? contentType, JsonObject target, JsonNode? patch)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        switch (mediaType)
        {
            case MergePatch:
                return (JsonObject)Merge(target.DeepClone(), patch, strategic: false)!;
            case StrategicMergePatch:
                return (JsonObject)Merge(target.DeepClone(), patch, strategic: true)!;
            case JsonPatch:
                return ApplyJsonPatch((JsonObject)target.DeepClone(), patch);
            default:
                throw new KubernetesErrorException(
                    StatusCodes.Status415UnsupportedMediaType,
                    "UnsupportedMediaType",
                    $"the body of the request was in an unknown format - accepted media types include: {JsonPatch}, {MergePatch}, {StrategicMergePatch}");
        }
    }

    /// <summary>RFC 7386: an object merges key by key, <see langword="null"/> removes a key, anything else replaces the target.</summary>
    private static JsonNode? Merge(JsonNode? target, JsonNode? patch, bool strategic)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (strategic && key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var existing = result[key];
                result.Remove(key);
                result[key] = Merge(existing?.DeepClone(), value, strategic);
            }
        }

        return result;
    }

    private static JsonObject ApplyJsonPatch(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw KubernetesErrorException.BadRequest("the body of a json patch must be an array of operations");
        }

        foreach (var operation in operations)
        {
            var op = operation?["op"]?.GetValue<string>();
            var path = operation?["path"]?.GetValue<string>() ?? throw KubernetesErrorException.BadRequest("a json patch operation needs a path");
            var (parent, last) = Resolve(target, path);
            switch (op)
            {
                case "add" or "replace":
                    var value = operation!["value"]?.DeepClone();
                    if (parent is JsonObject addObject)
                    {
                        if (op == "replace" && !addObject.ContainsKey(last))
                        {
                            throw Unprocessable($"replace operation does not apply: doc is missing key: {path}");
                        }

                        addObject.Remove(last);
                        addObject[last] = value;
                    }
                    else if (parent is JsonArray addArray)
                    {
                        var index = last == "-" ? addArray.Count : ArrayIndex(addArray, last, path, allowEnd: op == "add");
                        if (op == "replace")
                        {
                            addArray[index] = value;
                        }
                        else
                        {
                            addArray.Insert(index, value);
                        }
                    }

                    break;
                case "remove":
                    if (parent is JsonObject removeObject)
                    {
                        if (!removeObject.Remove(last))
                        {
                            throw Unprocessable($"remove operation does not apply: doc is missing path: {path}");
                        }
                    }
                    else if (parent is JsonArray removeArray)
                    {
                        removeArray.RemoveAt(ArrayIndex(removeArray, last, path, allowEnd: false));
                    }

                    break;
                case "test":
                    var actual = parent is JsonObject testObject ? testObject[last] : ((JsonArray)parent)[ArrayIndex((JsonArray)parent, last, path, allowEnd: false)];
                    if (!JsonNode.DeepEquals(actual, operation!["value"]))
                    {
                        throw Unprocessable($"testing value {path} failed: test failed");
                    }

                    break;
                default:
                    throw KubernetesErrorException.BadRequest($"Unexpected kind: {op}");
            }
        }

        return target;
    }

    private static (JsonNode Parent, string Last) Resolve(JsonObject target, string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            throw KubernetesErrorException.BadRequest($"json patch path must start with '/': {path}");
        }

        var segments = path[1..].Split('/').Select(segment => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        JsonNode current = target;
        foreach (var segment in segments[..^1])
        {
            current = current switch
            {
                JsonObject obj when obj[segment] is JsonNode child => child,
                JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count && array[index] is JsonNode item => item,
                _ => throw Unprocessable($"doc is missing path: {path}"),
            };
        }

        if (current is not (JsonObject or JsonArray))
        {
            throw Unprocessable($"doc is missing path: {path}");
        }

        return (current, segments[^1]);
    }

    private static int ArrayIndex(JsonArray array, string segment, string path, bool allowEnd)
    {
        if (!int.TryParse(segment, out var index) || index < 0 || index > array.Count || (index == array.Count && !allowEnd))
        {
            throw Unprocessable($"doc is missing path: {path}");
        }

        return index;
    }

    private static KubernetesErrorException Unprocessable(string message) =>
        new(StatusCodes.Status422UnprocessableEntity, "Invalid", message);

    /// <summary>Parses a request body as JSON.</summary>
    /// <exception cref="KubernetesErrorException">400 when it is not JSON.</exception>
    public static JsonNode? ParseBody(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException error)
        {
            throw KubernetesErrorException.BadRequest($"the body of the request was not valid JSON: {error.Message}");
        }
    }
}

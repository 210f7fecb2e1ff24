using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretRotation.Testing;

/// <summary>
/// Secrets and ConfigMaps as the API server stores them: validation and defaulting of what a client sends (<c>stringData</c>
/// merged into <c>data</c> as base64, <c>type</c> defaulted to <c>Opaque</c>), the server-set metadata and the JSON field order.
/// </summary>
internal static partial class KubernetesObjects
{
    /// <summary>The most a Secret's or ConfigMap's data may hold, as the API server validates (1 MiB).</summary>
    public const int MaxDataBytes = 1024 * 1024;

    private const string KeyMessage =
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    private const string NameMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    /// <summary>How the emulator writes JSON: like Go's encoder, only what JSON requires is escaped (plus <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>).</summary>
    public static JsonSerializerOptions Json { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string FormatVersion(long resourceVersion) => resourceVersion.ToString(CultureInfo.InvariantCulture);

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? ResourceVersionOf(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>();

    public static string NameOf(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    public static JsonObject WithResourceVersion(JsonObject obj, long resourceVersion)
    {
        var copy = (JsonObject)obj.DeepClone();
        ((JsonObject)copy["metadata"]!)["resourceVersion"] = FormatVersion(resourceVersion);
        return copy;
    }

    /// <summary>A list item: the object without <c>kind</c> and <c>apiVersion</c>, as the API server writes the items of a typed list.</summary>
    public static JsonObject ForList(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("kind");
        copy.Remove("apiVersion");
        return copy;
    }

    /// <summary>Whether two stored objects hold the same content apart from the resource version (an update that changes nothing is a no-op).</summary>
    public static bool SameContent(JsonObject stored, JsonObject candidate) =>
        JsonNode.DeepEquals(WithResourceVersion(stored, 0), WithResourceVersion(candidate, 0));

    /// <summary>
    /// Validates and defaults a Secret or ConfigMap a client sent: the result has the stored field order and metadata (name,
    /// generateName, namespace, labels, annotations) but no uid, resource version or creation time yet.
    /// </summary>
    /// <param name="resource">The resource of the URL.</param>
    /// <param name="ns">The namespace of the URL.</param>
    /// <param name="body">The object sent.</param>
    /// <param name="urlName">The name of the URL (update and patch), or <see langword="null"/> (create).</param>
    /// <param name="generatedSuffix">Makes the suffix of a name from <c>generateName</c>.</param>
    /// <exception cref="KubernetesErrorException">400 or 422 as the API server answers.</exception>
    public static JsonObject Normalize(KubernetesResource resource, string ns, JsonNode? body, string? urlName, Func<string> generatedSuffix)
    {
        if (body is not JsonObject obj)
        {
            throw KubernetesErrorException.BadRequest("the body of the request was not a JSON object");
        }

        var kind = StringField(obj, "kind");
        var apiVersion = StringField(obj, "apiVersion");
        if ((kind is not null && kind != resource.Kind) || (apiVersion is not null && apiVersion != "v1"))
        {
            throw KubernetesErrorException.BadRequest(
                $"the API version in the data ({apiVersion ?? string.Empty}) and kind ({kind ?? string.Empty}) do not match the expected API version (v1) and kind ({resource.Kind})");
        }

        var metadata = obj["metadata"] as JsonObject ?? new JsonObject();
        var name = StringField(metadata, "name") ?? string.Empty;
        var generateName = StringField(metadata, "generateName");
        var objectNamespace = StringField(metadata, "namespace");
        if (objectNamespace is { Length: > 0 } && objectNamespace != ns)
        {
            throw KubernetesErrorException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        if (urlName is not null)
        {
            if (name.Length > 0 && name != urlName)
            {
                throw KubernetesErrorException.BadRequest($"the name of the object ({name}) does not match the name on the URL ({urlName})");
            }

            name = urlName;
        }
        else if (name.Length == 0 && generateName is { Length: > 0 })
        {
            name = generateName + generatedSuffix();
        }

        if (name.Length == 0)
        {
            throw KubernetesErrorException.Invalid(resource, name, "metadata.name: Required value: name or generateName is required");
        }

        if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
        {
            throw KubernetesErrorException.Invalid(resource, name, $"metadata.name: Invalid value: \"{name}\": {NameMessage}");
        }

        var result = new JsonObject { ["kind"] = resource.Kind, ["apiVersion"] = "v1" };
        var storedMetadata = new JsonObject { ["name"] = name };
        if (generateName is { Length: > 0 })
        {
            storedMetadata["generateName"] = generateName;
        }

        storedMetadata["namespace"] = ns;
        CopyStringMap(metadata, "labels", storedMetadata, resource, name, "metadata.labels");
        CopyStringMap(metadata, "annotations", storedMetadata, resource, name, "metadata.annotations");
        result["metadata"] = storedMetadata;
        if (obj["immutable"] is JsonNode immutable)
        {
            result["immutable"] = immutable.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw KubernetesErrorException.BadRequest("immutable: expected a boolean"),
            };
        }

        if (resource == KubernetesResource.Secrets)
        {
            NormalizeSecret(obj, result, resource, name);
        }
        else
        {
            NormalizeConfigMap(obj, result, resource, name);
        }

        return result;
    }

    /// <summary>Checks that an update keeps what may not change: the Secret's type, and the data of an immutable object.</summary>
    /// <exception cref="KubernetesErrorException">422 as the API server answers.</exception>
    public static void ValidateUpdate(KubernetesResource resource, JsonObject stored, JsonObject updated)
    {
        var name = NameOf(stored);
        if (resource == KubernetesResource.Secrets && StringField(stored, "type") is string oldType && StringField(updated, "type") != oldType)
        {
            throw KubernetesErrorException.Invalid(resource, name, $"type: Invalid value: \"{StringField(updated, "type")}\": field is immutable");
        }

        if (stored["immutable"]?.GetValueKind() == JsonValueKind.True)
        {
            if (updated["immutable"]?.GetValueKind() != JsonValueKind.True)
            {
                throw KubernetesErrorException.Invalid(resource, name, "immutable: Forbidden: field is immutable when `immutable` is set");
            }

            foreach (var field in (ReadOnlySpan<string>)["data", "binaryData"])
            {
                if (!JsonNode.DeepEquals(stored[field], updated[field]))
                {
                    throw KubernetesErrorException.Invalid(resource, name, $"{field}: Forbidden: field is immutable when `immutable` is set");
                }
            }
        }
    }

    /// <summary>The stored form: the normalized object with the server's uid, resource version and creation time in metadata, in the API server's field order.</summary>
    public static JsonObject Stamp(JsonObject normalized, string uid, long resourceVersion, string creationTimestamp)
    {
        var result = (JsonObject)normalized.DeepClone();
        var metadata = (JsonObject)result["metadata"]!;
        var ordered = new JsonObject { ["name"] = metadata["name"]!.DeepClone() };
        if (metadata["generateName"] is JsonNode generateName)
        {
            ordered["generateName"] = generateName.DeepClone();
        }

        ordered["namespace"] = metadata["namespace"]!.DeepClone();
        ordered["uid"] = uid;
        ordered["resourceVersion"] = FormatVersion(resourceVersion);
        ordered["creationTimestamp"] = creationTimestamp;
        foreach (var field in (ReadOnlySpan<string>)["labels", "annotations"])
        {
            if (metadata[field] is JsonNode value)
            {
                ordered[field] = value.DeepClone();
            }
        }

        result["metadata"] = ordered;
        return result;
    }

    public static Dictionary<string, byte[]> DecodeData(JsonObject obj)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (obj["data"] is JsonObject encoded)
        {
            var isSecret = StringField(obj, "kind") == KubernetesResource.Secrets.Kind;
            foreach (var (key, value) in encoded)
            {
                var text = value!.GetValue<string>();
                data[key] = isSecret ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
            }
        }

        if (obj["binaryData"] is JsonObject binary)
        {
            foreach (var (key, value) in binary)
            {
                data[key] = Convert.FromBase64String(value!.GetValue<string>());
            }
        }

        return data;
    }

    public static Dictionary<string, string> StringMap(JsonObject obj, string field)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?[field] is JsonObject values)
        {
            foreach (var (key, value) in values)
            {
                map[key] = value!.GetValue<string>();
            }
        }

        return map;
    }

    private static void NormalizeSecret(JsonObject obj, JsonObject result, KubernetesResource resource, string name)
    {
        var data = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in Map(obj, "data", resource, name))
        {
            var bytes = new byte[value.Length];
            if (!Convert.TryFromBase64String(value, bytes, out var written))
            {
                throw KubernetesErrorException.BadRequest(
                    $"{resource.Kind} in version \"v1\" cannot be handled as a {resource.Kind}: illegal base64 data at input byte 0");
            }

            data[ValidKey(key, "data", resource, name)] = bytes[..written];
        }

        // stringData is write-only: merged over data (its keys win) and never stored or returned.
        foreach (var (key, value) in Map(obj, "stringData", resource, name))
        {
            data[ValidKey(key, "stringData", resource, name)] = Encoding.UTF8.GetBytes(value);
        }

        var total = data.Sum(pair => pair.Key.Length + pair.Value.Length);
        if (total > MaxDataBytes)
        {
            throw KubernetesErrorException.Invalid(resource, name, $"data: Too long: must have at most {MaxDataBytes} bytes");
        }

        if (data.Count > 0)
        {
            var encoded = new JsonObject();
            foreach (var (key, value) in data)
            {
                encoded[key] = Convert.ToBase64String(value);
            }

            result["data"] = encoded;
        }

        var type = StringField(obj, "type");
        result["type"] = string.IsNullOrEmpty(type) ? "Opaque" : type;
    }

    private static void NormalizeConfigMap(JsonObject obj, JsonObject result, KubernetesResource resource, string name)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Map(obj, "data", resource, name))
        {
            data[ValidKey(key, "data", resource, name)] = value;
        }

        var binary = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Map(obj, "binaryData", resource, name))
        {
            var bytes = new byte[value.Length];
            if (!Convert.TryFromBase64String(value, bytes, out _))
            {
                throw KubernetesErrorException.BadRequest(
                    $"{resource.Kind} in version \"v1\" cannot be handled as a {resource.Kind}: illegal base64 data at input byte 0");
            }

            var valid = ValidKey(key, "binaryData", resource, name);
            if (data.ContainsKey(valid))
            {
                throw KubernetesErrorException.Invalid(resource, name, $"data[{valid}]: Invalid value: \"{valid}\": duplicate of key present in binaryData");
            }

            binary[valid] = value;
        }

        var total = data.Sum(pair => pair.Key.Length + pair.Value.Length) + binary.Sum(pair => pair.Key.Length + (pair.Value.Length * 3 / 4));
        if (total > MaxDataBytes)
        {
            throw KubernetesErrorException.Invalid(resource, name, $"[]: Too long: must have at most {MaxDataBytes} bytes");
        }

        if (data.Count > 0)
        {
            result["data"] = new JsonObject(data.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
        }

        if (binary.Count > 0)
        {
            result["binaryData"] = new JsonObject(binary.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Map(JsonObject obj, string field, KubernetesResource resource, string name)
    {
        switch (obj[field])
        {
            case null:
                yield break;
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (value.GetValueKind() != JsonValueKind.String)
                    {
                        throw KubernetesErrorException.BadRequest(
                            $"{resource.Kind} in version \"v1\" cannot be handled as a {resource.Kind}: json: cannot unmarshal {value.GetValueKind().ToString().ToLowerInvariant()} into Go struct field {resource.Kind}.{field} of type string");
                    }

                    yield return KeyValuePair.Create(key, value.GetValue<string>());
                }

                break;
            default:
                throw KubernetesErrorException.Invalid(resource, name, $"{field}: Invalid value: expected a map of strings");
        }
    }

    private static void CopyStringMap(JsonObject from, string field, JsonObject to, KubernetesResource resource, string name, string path)
    {
        var values = new JsonObject();
        foreach (var (key, value) in Map(from, field, resource, name))
        {
            if (key.Length == 0 || key.Length > 317)
            {
                throw KubernetesErrorException.Invalid(resource, name, $"{path}: Invalid value: \"{key}\": name part must be non-empty and no more than 63 characters");
            }

            values[key] = value;
        }

        if (values.Count > 0)
        {
            to[field] = values;
        }
    }

    private static string ValidKey(string key, string field, KubernetesResource resource, string name)
    {
        if (key.Length == 0 || key.Length > 253 || key is "." or ".." || !ConfigKey().IsMatch(key))
        {
            throw KubernetesErrorException.Invalid(resource, name, $"{field}[{key}]: Invalid value: \"{key}\": {KeyMessage}");
        }

        return key;
    }

    private static string? StringField(JsonObject obj, string field) =>
        obj[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    [GeneratedRegex("^[-._a-zA-Z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigKey();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();
}

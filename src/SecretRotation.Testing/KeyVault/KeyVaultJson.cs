using System.Text.Encodings.Web;
using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>
/// The Key Vault secret JSON shapes (azure-rest-api-specs <c>secrets.json</c>): SecretBundle, DeletedSecretBundle, SecretItem,
/// SecretListResult, KeyVaultError; and the request bodies SecretSetParameters and SecretUpdateParameters. Dates are integer Unix seconds.
/// </summary>
internal static class KeyVaultJson
{
    /// <summary>Writes <c>+</c> in <c>Recoverable+Purgeable</c> as the service does, not as <c>\u002B</c>.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A SecretBundle (<paramref name="includeValue"/>) or, when <see cref="SecretSnapshot.DeletedDate"/> is set, a DeletedSecretBundle.</summary>
    public static void WriteBundle(Utf8JsonWriter writer, string vaultBase, SecretSnapshot secret, KeyVaultStore store, bool includeValue)
    {
        var version = secret.Version;
        writer.WriteStartObject();
        if (includeValue)
        {
            writer.WriteString("value", version.Value);
        }

        if (secret.DeletedDate is long deletedDate)
        {
            writer.WriteString("recoveryId", $"{vaultBase}/deletedsecrets/{secret.Name}");
            writer.WriteNumber("deletedDate", deletedDate);
            writer.WriteNumber("scheduledPurgeDate", secret.ScheduledPurgeDate ?? deletedDate);
        }

        writer.WriteString("id", $"{vaultBase}/secrets/{secret.Name}/{version.Version}");
        WriteProperties(writer, version, store);
        writer.WriteEndObject();
    }

    /// <summary>A SecretItem: no value; the id has no version in a list of secrets and has one in a list of versions.</summary>
    public static void WriteItem(Utf8JsonWriter writer, string vaultBase, SecretSnapshot secret, KeyVaultStore store, bool versionedId)
    {
        writer.WriteStartObject();
        writer.WriteString("id", versionedId ? $"{vaultBase}/secrets/{secret.Name}/{secret.Version.Version}" : $"{vaultBase}/secrets/{secret.Name}");
        WriteProperties(writer, secret.Version, store);
        writer.WriteEndObject();
    }

    /// <summary>A SecretListResult: <c>value</c> is always an array; <c>nextLink</c> is an absolute URL or <see langword="null"/> on the last page.</summary>
    public static void WriteList(Utf8JsonWriter writer, IEnumerable<SecretSnapshot> items, string vaultBase, KeyVaultStore store, bool versionedIds, string? nextLink)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("value");
        foreach (var item in items)
        {
            WriteItem(writer, vaultBase, item, store, versionedIds);
        }

        writer.WriteEndArray();
        if (nextLink is null)
        {
            writer.WriteNull("nextLink");
        }
        else
        {
            writer.WriteString("nextLink", nextLink);
        }

        writer.WriteEndObject();
    }

    /// <summary>A KeyVaultError: <c>{"error":{"code","message","innererror"?:{"code"}}}</c>.</summary>
    public static void WriteError(Utf8JsonWriter writer, string code, string message, string? innerCode)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("code", code);
        writer.WriteString("message", message);
        if (innerCode is not null)
        {
            writer.WriteStartObject("innererror");
            writer.WriteString("code", innerCode);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Reads SecretSetParameters: <c>value</c> (required string), <c>contentType</c>, <c>tags</c>, <c>attributes</c>.</summary>
    /// <exception cref="KeyVaultErrorException">400 BadParameter when the body does not have that shape.</exception>
    public static (string Value, SecretChanges Changes) ReadSetParameters(JsonElement body)
    {
        RequireObject(body, "The request body");
        if (!body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw KeyVaultErrorException.BadParameter("The request body must contain the secret value as the string property 'value'.");
        }

        return (value.GetString()!, ReadChanges(body));
    }

    /// <summary>Reads SecretUpdateParameters: <c>contentType</c>, <c>tags</c>, <c>attributes</c>; absent members stay unchanged.</summary>
    public static SecretChanges ReadUpdateParameters(JsonElement body)
    {
        RequireObject(body, "The request body");
        return ReadChanges(body);
    }

    private static void WriteProperties(Utf8JsonWriter writer, StoredSecretVersion version, KeyVaultStore store)
    {
        if (version.ContentType is not null)
        {
            writer.WriteString("contentType", version.ContentType);
        }

        writer.WriteStartObject("attributes");
        writer.WriteBoolean("enabled", version.Enabled);
        if (version.NotBefore is long notBefore)
        {
            writer.WriteNumber("nbf", notBefore);
        }

        if (version.Expires is long expires)
        {
            writer.WriteNumber("exp", expires);
        }

        writer.WriteNumber("created", version.Created);
        writer.WriteNumber("updated", version.Updated);
        writer.WriteString("recoveryLevel", store.RecoveryLevel);
        writer.WriteNumber("recoverableDays", store.RecoverableDays);
        writer.WriteEndObject();

        if (version.Tags is not null)
        {
            writer.WriteStartObject("tags");
            foreach (var (key, value) in version.Tags)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }
    }

    private static SecretChanges ReadChanges(JsonElement body)
    {
        var hasContentType = body.TryGetProperty("contentType", out var contentType);
        if (hasContentType && contentType.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw KeyVaultErrorException.BadParameter("The property 'contentType' must be a string.");
        }

        var hasTags = body.TryGetProperty("tags", out var tagsElement);
        Dictionary<string, string>? tags = null;
        if (hasTags && tagsElement.ValueKind != JsonValueKind.Null)
        {
            RequireObject(tagsElement, "The property 'tags'");
            tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tagsElement.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.ValueKind == JsonValueKind.String
                    ? tag.Value.GetString()!
                    : throw KeyVaultErrorException.BadParameter($"The tag '{tag.Name}' must have a string value.");
            }
        }

        bool? enabled = null;
        long? notBefore = null, expires = null;
        bool hasNotBefore = false, hasExpires = false;
        if (body.TryGetProperty("attributes", out var attributes) && attributes.ValueKind != JsonValueKind.Null)
        {
            RequireObject(attributes, "The property 'attributes'");
            if (attributes.TryGetProperty("enabled", out var enabledElement))
            {
                enabled = enabledElement.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    _ => throw KeyVaultErrorException.BadParameter("The attribute 'enabled' must be a boolean."),
                };
            }

            hasNotBefore = TryReadUnixTime(attributes, "nbf", out notBefore);
            hasExpires = TryReadUnixTime(attributes, "exp", out expires);
        }

        return new SecretChanges
        {
            ContentType = hasContentType ? contentType.GetString() : null,
            HasContentType = hasContentType,
            Enabled = enabled,
            NotBefore = notBefore,
            HasNotBefore = hasNotBefore,
            Expires = expires,
            HasExpires = hasExpires,
            Tags = tags,
            HasTags = hasTags,
        };
    }

    private static bool TryReadUnixTime(JsonElement attributes, string name, out long? seconds)
    {
        seconds = null;
        if (!attributes.TryGetProperty(name, out var element))
        {
            return false;
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        seconds = element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value)
            ? value
            : throw KeyVaultErrorException.BadParameter($"The attribute '{name}' must be an integer number of seconds since the Unix epoch.");
        return true;
    }

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw KeyVaultErrorException.BadParameter($"{what} must be a JSON object.");
        }
    }
}

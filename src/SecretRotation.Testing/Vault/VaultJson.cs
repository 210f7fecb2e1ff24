using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>
/// Vault's JSON: the response envelope (<c>sdk/logical.HTTPResponse</c>, fields in struct order), the auth block
/// (<c>HTTPAuth</c>), <c>{"errors":[...]}</c>, and stored values written back the way Go writes a <c>map[string]interface{}</c>
/// (keys sorted; KV v2 numbers as float64). Bodies from <c>json.Encoder</c> end with a newline; raw bodies do not.
/// </summary>
internal static class VaultJson
{
    /// <summary>Writes <c>"</c> as <c>\"</c> and leaves <c>+</c>, <c>'</c> and non-ASCII alone, closer to Go than the default encoder.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly byte[] s_newline = [(byte)'\n'];

    /// <summary>The envelope, in the order Vault writes it.</summary>
    public static byte[] Envelope(VaultEnvelope envelope, bool trailingNewline = true) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("request_id", Guid.NewGuid().ToString("D"));
        writer.WriteString("lease_id", envelope.LeaseId);
        writer.WriteBoolean("renewable", envelope.Renewable);
        writer.WriteNumber("lease_duration", envelope.LeaseDuration);
        writer.WritePropertyName("data");
        if (envelope.Data is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            envelope.Data(writer);
        }

        writer.WriteNull("wrap_info");
        WriteStringsOrNull(writer, "warnings", envelope.Warnings);
        writer.WritePropertyName("auth");
        if (envelope.Auth is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteAuth(writer, envelope.Auth);
        }

        writer.WriteString("mount_type", envelope.MountType);
        writer.WriteEndObject();
    }, trailingNewline);

    /// <summary><c>{"errors":[...]}</c> as <c>logical.RespondError</c> writes it.</summary>
    public static byte[] Errors(IReadOnlyList<string> errors) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("errors");
        foreach (var error in errors)
        {
            writer.WriteStringValue(error);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }, trailingNewline: true);

    /// <summary>Any JSON document, newline-terminated as <c>json.Encoder</c> writes it (for bodies that are not envelopes).</summary>
    public static byte[] Document(Action<Utf8JsonWriter> write) => Write(write, trailingNewline: true);

    /// <summary>Writes an arbitrary object the way <c>json.Marshal</c> writes the decoded <c>map[string]interface{}</c>.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The stored value.</param>
    /// <param name="numbersAsFloat64">
    /// KV v2 decodes stored data with plain <c>json.Unmarshal</c>, so numbers come back as float64 (<c>1.50</c> reads as <c>1.5</c>,
    /// integers past 2^53 lose precision); KV v1 decodes with <c>UseNumber</c> and keeps the text.
    /// </param>
    public static void WriteGoValue(Utf8JsonWriter writer, JsonElement value, bool numbersAsFloat64)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(property => property.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteGoValue(writer, property.Value, numbersAsFloat64);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteGoValue(writer, item, numbersAsFloat64);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number when numbersAsFloat64:
                writer.WriteRawValue(VaultGoFormat.FormatFloat(value.GetDouble()), skipInputValidation: true);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>A <c>map[string]string</c>: keys sorted, or <c>null</c>.</summary>
    public static void WriteStringMap(Utf8JsonWriter writer, string propertyName, IReadOnlyDictionary<string, string>? map)
    {
        writer.WritePropertyName(propertyName);
        WriteStringMapValue(writer, map);
    }

    /// <summary>The value part of <see cref="WriteStringMap"/>.</summary>
    public static void WriteStringMapValue(Utf8JsonWriter writer, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        foreach (var (key, value) in map.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>A <c>[]string</c>: an array, or <c>null</c> for a nil slice.</summary>
    public static void WriteStringsOrNull(Utf8JsonWriter writer, string propertyName, IReadOnlyList<string>? values)
    {
        writer.WritePropertyName(propertyName);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteAuth(Utf8JsonWriter writer, VaultAuthBlock auth)
    {
        writer.WriteStartObject();
        writer.WriteString("client_token", auth.ClientToken);
        writer.WriteString("accessor", auth.Accessor);
        WriteStringsOrNull(writer, "policies", auth.Policies);

        // token_policies and identity_policies are omitempty.
        if (auth.TokenPolicies.Count > 0)
        {
            WriteStringsOrNull(writer, "token_policies", auth.TokenPolicies);
        }

        WriteStringMap(writer, "metadata", auth.Metadata);
        writer.WriteNumber("lease_duration", auth.LeaseDuration);
        writer.WriteBoolean("renewable", auth.Renewable);
        writer.WriteString("entity_id", auth.EntityId);
        writer.WriteString("token_type", "service");
        writer.WriteBoolean("orphan", auth.Orphan);
        writer.WriteNull("mfa_requirement");
        writer.WriteNumber("num_uses", 0);
        writer.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write, bool trailingNewline)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        if (trailingNewline)
        {
            buffer.Write(s_newline);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

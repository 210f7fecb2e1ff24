using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// One request as Vault's HTTP layer builds it (<c>buildLogicalRequestNoAuth</c>): the operation, the path without <c>/v1/</c>
/// (with a trailing <c>/</c> for lists), the JSON body of a write and the client token.
/// </summary>
internal sealed class VaultCall
{
    private static readonly JsonElement s_emptyObject = ParseObject("{}"u8);

    private VaultCall(string method, VaultOperation operation, string path, IQueryCollection query, JsonElement body, string tokenText)
    {
        Method = method;
        Operation = operation;
        Path = path;
        Query = query;
        Body = body;
        TokenText = tokenText;
    }

    public string Method { get; }

    public VaultOperation Operation { get; }

    /// <summary>The path without <c>/v1/</c>; list operations always end in <c>/</c>.</summary>
    public string Path { get; }

    public IQueryCollection Query { get; }

    /// <summary>The request body of a write (a JSON object), or an empty object.</summary>
    public JsonElement Body { get; }

    /// <summary><c>X-Vault-Token</c>, else the <c>Authorization: Bearer</c> token, else <c>""</c>.</summary>
    public string TokenText { get; }

    /// <summary>The caller's live token, set once the token check passed.</summary>
    public VaultToken? Token { get; set; }

    /// <summary>
    /// Work an endpoint left to run after the state lock is released (statements on a real database); its answer replaces the
    /// one the endpoint returned.
    /// </summary>
    public Func<CancellationToken, Task<VaultResponse>>? Deferred { get; set; }

    /// <summary>The token named by the request headers, without parsing the rest of the request.</summary>
    public static string ReadToken(HttpRequest request)
    {
        var vaultToken = request.Headers["X-Vault-Token"].ToString();
        if (vaultToken.Length > 0)
        {
            return vaultToken;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : string.Empty;
    }

    /// <summary>Builds the call; throws 405 for a method Vault does not route and 400 for a body that is not a JSON object.</summary>
    public static async Task<VaultCall> ParseAsync(HttpContext context, string method, string path)
    {
        var request = context.Request;
        VaultOperation operation;
        switch (method)
        {
            case "GET":
                operation = request.Query.TryGetValue("list", out var list) && IsTrue(list.ToString()) ? VaultOperation.List : VaultOperation.Read;
                break;
            case "POST" or "PUT":
                operation = VaultOperation.Update;
                break;
            case "DELETE":
                operation = VaultOperation.Delete;
                break;
            case "LIST":
                operation = VaultOperation.List;
                break;
            case "PATCH":
                operation = VaultOperation.Patch;
                var contentType = request.ContentType is { Length: > 0 } header ? header.Split(';')[0].Trim().ToLowerInvariant() : string.Empty;
                if (contentType != "application/merge-patch+json")
                {
                    throw new VaultErrorException(
                        StatusCodes.Status415UnsupportedMediaType,
                        $"PATCH requires Content-Type of application/merge-patch+json, provided {contentType}");
                }

                break;
            default:
                throw new VaultErrorException(StatusCodes.Status405MethodNotAllowed);
        }

        if (operation == VaultOperation.List && !path.EndsWith('/'))
        {
            path += "/";
        }

        var body = s_emptyObject;
        if (operation is VaultOperation.Update or VaultOperation.Patch)
        {
            body = await ReadBodyAsync(context);
        }

        return new VaultCall(method, operation, path, request.Query, body, ReadToken(request));
    }

    /// <summary>A body field of a write, or a query parameter of a read, list or delete (Vault passes those as data).</summary>
    public bool TryGetField(string name, out JsonElement value)
    {
        if (Body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (Operation is not (VaultOperation.Update or VaultOperation.Patch) && Query.TryGetValue(name, out var queryValue))
        {
            value = JsonSerializer.SerializeToElement(queryValue.ToString());
            return true;
        }

        return false;
    }

    /// <summary>A string field (numbers and booleans are taken as their text, as Vault's weak decoding does); <c>""</c> when absent.</summary>
    public string GetString(string name)
    {
        if (!TryGetField(name, out var value))
        {
            return string.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw VaultErrorException.BadRequest($"error converting input for field {VaultGoFormat.Quote(name)}"),
        };
    }

    /// <summary>A <c>TypeDurationSecond</c> field (seconds or a Go duration); zero when absent.</summary>
    public TimeSpan GetDurationSecond(string name)
    {
        if (!TryGetField(name, out var value))
        {
            return TimeSpan.Zero;
        }

        return VaultGoFormat.TryParseDurationSecond(value, out var duration)
            ? duration
            : throw VaultErrorException.BadRequest($"error converting input {value.GetRawText()} for field {VaultGoFormat.Quote(name)}");
    }

    /// <summary>A <c>TypeBool</c> field; <paramref name="defaultValue"/> when absent.</summary>
    public bool GetBool(string name, bool defaultValue)
    {
        if (!TryGetField(name, out var value))
        {
            return defaultValue;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            JsonValueKind.String when value.GetString() is "1" or "t" or "T" => true,
            JsonValueKind.String when value.GetString() is "0" or "f" or "F" => false,
            _ => throw VaultErrorException.BadRequest($"error converting input {value.GetRawText()} for field {VaultGoFormat.Quote(name)}"),
        };
    }

    /// <summary>Weak decoding of an int (<c>mapstructure.WeakDecode</c>): a JSON number or a numeric string.</summary>
    public static bool TryWeakInt(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out result)
                || (value.TryGetDouble(out var number) && number is > long.MinValue and < long.MaxValue && Assign((long)number, out result)),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result),
            JsonValueKind.True => Assign(1, out result),
            JsonValueKind.False => Assign(0, out result),
            _ => false,
        };
    }

    /// <summary><c>strconv.ParseBool</c>'s true values.</summary>
    private static bool IsTrue(string value) => value is "1" or "t" or "T" or "TRUE" or "true" or "True";

    private static bool Assign(long value, out long result)
    {
        result = value;
        return true;
    }

    private static async Task<JsonElement> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length == 0)
        {
            return s_emptyObject;
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw VaultErrorException.BadRequest(
                    $"failed to parse JSON input: json: cannot unmarshal {GoKind(document.RootElement.ValueKind)} into Go value of type map[string]interface {{}}");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw VaultErrorException.BadRequest("failed to parse JSON input: " + error.Message);
        }
    }

    private static JsonElement ParseObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "value",
    };
}

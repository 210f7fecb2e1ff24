using System.Net;
using System.Text.Json;

namespace SecretRotation.Testing.Tests;

/// <summary>One answer from the emulator: status, the body as text, and the JSON root when the body is JSON.</summary>
internal sealed record VaultReply(HttpStatusCode Status, string Body, string? MediaType, TimeSpan? RetryAfter)
{
    /// <summary>The envelope fields, in the order Vault's <c>HTTPResponse</c> struct writes them.</summary>
    public static readonly string[] EnvelopeFields =
        ["request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth", "mount_type"];

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public JsonElement Data => Json.GetProperty("data");

    public string[] Errors => [.. Json.GetProperty("errors").EnumerateArray().Select(error => error.GetString()!)];

    public static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(property => property.Name)];

    /// <summary>Asserts the exact <c>{"errors":[...]}</c> body Vault writes (with json.Encoder's newline).</summary>
    public void AssertErrors(HttpStatusCode status, params string[] errors)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/json", MediaType);
        Assert.Equal(JsonSerializer.Serialize(new { errors }, VaultReplyJson.Options) + "\n", Body);
    }

    /// <summary>Asserts a 200 envelope: field order, fresh request id, and the given mount type.</summary>
    public void AssertEnvelope(string mountType)
    {
        Assert.Equal(HttpStatusCode.OK, Status);
        Assert.Equal("application/json", MediaType);
        Assert.EndsWith("\n", Body, StringComparison.Ordinal);
        Assert.Equal(EnvelopeFields, Names(Json));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", Json.GetProperty("request_id").GetString());
        Assert.Equal(JsonValueKind.Null, Json.GetProperty("wrap_info").ValueKind);
        Assert.Equal(mountType, Json.GetProperty("mount_type").GetString());
    }
}

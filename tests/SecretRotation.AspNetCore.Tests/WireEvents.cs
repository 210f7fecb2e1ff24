using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>Key Vault events written by hand in both wire schemas, as Event Grid sends them.</summary>
internal static class WireEvents
{
    public static JsonObject KeyVaultData(string vaultHost, string secretName, string? version, JsonNode? nbf = null, JsonNode? exp = null) => new()
    {
        ["Id"] = $"https://{vaultHost}/secrets/{secretName}/{version}",
        ["VaultName"] = vaultHost.Split(':')[0],
        ["ObjectType"] = "Secret",
        ["ObjectName"] = secretName,
        ["Version"] = version,
        ["NBF"] = nbf,
        ["EXP"] = exp,
    };

    public static JsonObject EventGridEvent(string type, JsonNode data, string? id = null) => new()
    {
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["topic"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault",
        ["subject"] = data["ObjectName"]?.GetValue<string>() ?? "subject",
        ["eventType"] = type,
        ["eventTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
        ["data"] = data,
        ["dataVersion"] = "1",
        ["metadataVersion"] = "1",
    };

    public static JsonObject CloudEvent(string type, JsonNode data, string? id = null) => new()
    {
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["source"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault",
        ["subject"] = data["ObjectName"]?.GetValue<string>() ?? "subject",
        ["type"] = type,
        ["time"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["specversion"] = "1.0",
        ["datacontenttype"] = "application/json",
        ["data"] = data,
    };

    public static HttpContent Json(string body, string contentType = "application/json; charset=utf-8")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static HttpContent EventGridArray(params JsonObject[] events) => Json(new JsonArray(events.Select(e => e.DeepClone()).ToArray()).ToJsonString());

    public static string WithKey(string key = EventsHost.Key) => $"/events?code={Uri.EscapeDataString(key)}";
}

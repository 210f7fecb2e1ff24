using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>
/// More than a thousand mutated or malformed bodies, each built to be invalid: every one must get a 4xx, none may refresh
/// anything, and the endpoint must keep working afterwards.
/// </summary>
public sealed class MalformedBodyTests
{
    private const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";

    [Fact]
    public async Task OnlyClientErrorsAndNoRefreshForMoreThanAThousandMalformedBodies()
    {
        await using var host = await EventsHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "must-not-load");
        host.Vault.ClearRequests();
        var cases = MalformedBodies(host.VaultHost, version, new Random(20261126)).ToList();
        Assert.True(cases.Count >= 1000, $"only {cases.Count} cases");

        var unexpected = new List<string>();
        foreach (var (name, contentType, body) in cases)
        {
            using var content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            using var response = await host.Client.PostAsync(WireEvents.WithKey(), content);
            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500)
            {
                unexpected.Add($"{name}: {status}");
            }
        }

        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Select(u => System.Text.RegularExpressions.Regex.Replace(u, " #\\d+", string.Empty)).Distinct()));
        Assert.Equal(0, host.Gets());
        Assert.Equal(0, host.Reloads);
        Assert.Equal("push-1", host.Configuration["Db:Password"]);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);

        using var valid = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version))));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal("must-not-load", host.Configuration["Db:Password"]);
    }

    private static IEnumerable<(string Name, string? ContentType, byte[] Body)> MalformedBodies(string vaultHost, string version, Random random)
    {
        const string Json = "application/json; charset=utf-8";
        const string Cloud = "application/cloudevents+json; charset=utf-8";
        var eventGrid = new JsonArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(vaultHost, "Db--Password", version))).ToJsonString();
        var cloud = WireEvents.CloudEvent(NewVersion, WireEvents.KeyVaultData(vaultHost, "Db--Password", version)).ToJsonString();

        // 1. Truncated at every kind of position.
        for (var i = 0; i < 300; i++)
        {
            yield return ($"truncated Event Grid #{i}", Json, Utf8(eventGrid[..random.Next(0, eventGrid.Length - 1)]));
        }

        for (var i = 0; i < 150; i++)
        {
            yield return ($"truncated CloudEvent #{i}", Cloud, Utf8(cloud[..random.Next(0, cloud.Length - 1)]));
        }

        // 2. A required field removed.
        foreach (var field in new[] { "id", "eventType", "subject", "data", "dataVersion", "eventTime" })
        {
            for (var i = 0; i < 10; i++)
            {
                var body = Mutate(eventGrid, e => e.Remove(field));
                yield return ($"Event Grid without {field} #{i}", Json, Utf8(body));
            }
        }

        foreach (var field in new[] { "id", "source", "type", "specversion" })
        {
            for (var i = 0; i < 10; i++)
            {
                yield return ($"CloudEvent without {field} #{i}", Cloud, Utf8(MutateObject(cloud, e => e.Remove(field))));
            }
        }

        foreach (var field in new[] { "VaultName", "ObjectName" })
        {
            for (var i = 0; i < 10; i++)
            {
                yield return ($"data without {field} #{i}", Json, Utf8(Mutate(eventGrid, e => e["data"]!.AsObject().Remove(field))));
            }
        }

        // 3. Wrong types.
        JsonNode?[] wrongValues = [12345, true, new JsonArray(1, 2), new JsonObject { ["x"] = 1 }, null];
        foreach (var value in wrongValues)
        {
            for (var i = 0; i < 6; i++)
            {
                yield return ($"eventType as {value?.GetValueKind()} #{i}", Json, Utf8(Mutate(eventGrid, e => e["eventType"] = value?.DeepClone())));
                yield return ($"data as {value?.GetValueKind()} #{i}", Json, Utf8(Mutate(eventGrid, e => e["data"] = value?.DeepClone())));
                yield return ($"VaultName as {value?.GetValueKind()} #{i}", Json, Utf8(Mutate(eventGrid, e => e["data"]!["VaultName"] = value?.DeepClone())));
                yield return ($"ObjectName as {value?.GetValueKind()} #{i}", Json, Utf8(Mutate(eventGrid, e => e["data"]!["ObjectName"] = value?.DeepClone())));
                yield return ($"CloudEvent type as {value?.GetValueKind()} #{i}", Cloud, Utf8(MutateObject(cloud, e => e["type"] = value?.DeepClone())));
            }
        }

        foreach (var bad in new JsonNode[] { "soon", true, new JsonObject(), new JsonArray(), "1e999", "NaN" })
        {
            for (var i = 0; i < 5; i++)
            {
                yield return ($"NBF as {bad.ToJsonString()} #{i}", Json, Utf8(Mutate(eventGrid, e => e["data"]!["NBF"] = bad.DeepClone())));
                yield return ($"EXP as {bad.ToJsonString()} #{i}", Json, Utf8(Mutate(eventGrid, e => e["data"]!["EXP"] = bad.DeepClone())));
            }
        }

        for (var i = 0; i < 10; i++)
        {
            yield return ($"eventTime not a time #{i}", Json, Utf8(Mutate(eventGrid, e => e["eventTime"] = "yesterday")));
            yield return ($"validation without code #{i}", Json, Utf8(Mutate(eventGrid, e =>
            {
                e["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent";
                e["data"] = new JsonObject { ["validationUrl"] = "https://example.invalid" };
            })));
        }

        // 4. Wrong content types for a valid body.
        foreach (var contentType in new string?[] { null, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json+garbage", "image/png", "application/cloudevents+xml", ";;;", "application/cloudevents-batch+json" })
        {
            for (var i = 0; i < 10; i++)
            {
                var body = contentType == "application/cloudevents-batch+json" ? cloud : eventGrid;
                yield return ($"content type {contentType ?? "(none)"} #{i}", contentType, Utf8(body));
            }
        }

        // 5. Not events at all.
        string[] junk = ["", " ", "null", "{}", "[]", "[1,2,3]", "[null]", "[[]]", "\"just a string\"", "42", "true", "{\"eventType\":1}", "[{}]", "\uFEFF[", "<xml/>", "eventType=x"];
        foreach (var text in junk)
        {
            for (var i = 0; i < 5; i++)
            {
                yield return ($"junk {text} #{i}", Json, Utf8(text));
                yield return ($"junk as CloudEvent {text} #{i}", Cloud, Utf8(text));
            }
        }

        for (var i = 0; i < 50; i++)
        {
            var bytes = new byte[random.Next(1, 2048)];
            random.NextBytes(bytes);
            bytes[0] = (byte)'[';
            bytes[^1] = 0xFF;
            yield return ($"random bytes #{i}", Json, bytes);
        }

        // 6. Deep nesting.
        for (var i = 0; i < 50; i++)
        {
            var depth = 65 + (i * 40);
            var nested = string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth));
            yield return ($"nested data depth {depth}", Json, Utf8(eventGrid.Replace("\"data\":{", $"\"data\":{{\"deep\":{nested},", StringComparison.Ordinal)));
        }

        // 7. Huge: over the limit, and huge strings in places that make the body invalid.
        for (var i = 0; i < 10; i++)
        {
            yield return ($"over 1 MiB #{i}", Json, Utf8($"[\"{new string('x', (1024 * 1024) + (i * 1000))}\"]"));
        }

        for (var i = 0; i < 40; i++)
        {
            var huge = new string((char)('a' + (i % 26)), 100_000 + (i * 10_000));
            yield return ($"huge VaultName without ObjectName #{i}", Json, Utf8(Mutate(eventGrid, e =>
            {
                e["data"]!["VaultName"] = huge;
                e["data"]!.AsObject().Remove("ObjectName");
            })));
        }
    }

    private static string Mutate(string eventGridBody, Action<JsonObject> change)
    {
        var array = JsonNode.Parse(eventGridBody)!.AsArray();
        change(array[0]!.AsObject());
        return array.ToJsonString();
    }

    private static string MutateObject(string body, Action<JsonObject> change)
    {
        var item = JsonNode.Parse(body)!.AsObject();
        change(item);
        return item.ToJsonString();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

using System.Text;
using System.Text.Json.Nodes;

namespace SecretRotation.AspNetCore.Tests.Parsing;

/// <summary>
/// <see cref="KeyVaultSecretEvents.TryParseSecretChangeNotices"/>: every shape Event Grid and Service Bus deliver, the schema told
/// by the body; false for anything malformed, never an exception.
/// </summary>
public sealed class RawBodyParsingTests
{
    private const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";
    private const string Expired = "Microsoft.KeyVault.SecretExpired";
    private const string Vault = "myvault.vault.azure.net";

    private static readonly SecretChangeNotice DbV1 = new(SecretStoreKinds.AzureKeyVault, Vault, "Db--Password", "v1");
    private static readonly SecretChangeNotice ApiKeyExpired = new(SecretStoreKinds.AzureKeyVault, Vault, "Api-Key");

    public static TheoryData<string, string> Bodies
    {
        get
        {
            static JsonObject Db() => WireEvents.KeyVaultData(Vault, "Db--Password", "v1");
            static JsonObject Api() => WireEvents.KeyVaultData(Vault, "Api-Key", "v7");
            static JsonObject Blob() => new() { ["url"] = "https://account.blob.core.windows.net/c/b" };
            return new()
            {
                { "Event Grid schema array", Array(WireEvents.EventGridEvent(NewVersion, Db()), WireEvents.EventGridEvent("Microsoft.Storage.BlobCreated", Blob()), WireEvents.EventGridEvent(Expired, Api())) },
                { "CloudEvents batch", Array(WireEvents.CloudEvent(NewVersion, Db()), WireEvents.CloudEvent("Microsoft.Storage.BlobCreated", Blob()), WireEvents.CloudEvent(Expired, Api())) },
                { "duplicates in a batch", Array(WireEvents.EventGridEvent(NewVersion, Db()), WireEvents.EventGridEvent(NewVersion, Db()), WireEvents.EventGridEvent(Expired, Api()), WireEvents.EventGridEvent(Expired, Api())) },
            };
        }
    }

    [Theory]
    [InlineData("a 100,000-character Version", "Version", 100_000, 'a')]
    [InlineData("a Version with a line break", "Version", 10, '\n')]
    [InlineData("a 1,000-character VaultName", "VaultName", 1_000, 'v')]
    public void AnEventWithAVersionOrVaultNameKeyVaultNeverSendsIsRefused(string why, string field, int length, char filler)
    {
        // Both end up in log lines (the Mirror logs the version at Information): a huge or multi-line one must not get there.
        var data = WireEvents.KeyVaultData(Vault, "Db--Password", "v1");
        data[field] = "v" + new string(filler, length) + "x";

        Assert.False(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString(Array(WireEvents.EventGridEvent(NewVersion, data))), out _), why);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void ABatchGivesANoticeForEachKeyVaultSecretEventAndSkipsOtherTypes(string why, string body)
    {
        Assert.True(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString(body), out var notices), why);
        Assert.Equal([DbV1, ApiKeyExpired], notices);
    }

    [Fact]
    public void ASingleEventInEitherSchemaIsAccepted()
    {
        // One object: a Service Bus message from an Event Grid subscription holds one event of either schema.
        var data = WireEvents.KeyVaultData(Vault, "Db--Password", "v1");
        Assert.True(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString(WireEvents.EventGridEvent(NewVersion, data).ToJsonString()), out var fromEventGrid));
        Assert.True(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromBytes(Encoding.UTF8.GetBytes(WireEvents.CloudEvent(NewVersion, data.DeepClone()).ToJsonString())), out var fromCloud));
        Assert.Equal([DbV1], fromEventGrid);
        Assert.Equal([DbV1], fromCloud);
    }

    [Fact]
    public void ADeliveryOfOtherTypesOnlyIsWellFormedAndGivesNoNotice()
    {
        var validation = WireEvents.EventGridEvent("Microsoft.EventGrid.SubscriptionValidationEvent", new JsonObject { ["validationCode"] = "512d38b6" });

        Assert.True(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString(Array(validation)), out var notices));
        Assert.Empty(notices);
    }

    [Fact]
    public void OneMalformedKeyVaultEventSpoilsTheWholeBatch()
    {
        var good = WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(Vault, "Db--Password", "v1"));
        var forged = WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(Vault, "../team-b/db", "v1"));

        Assert.False(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString(Array(good, forged)), out var notices));
        Assert.Empty(notices);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("[1,2]")]
    [InlineData("[null]")]
    [InlineData("[[]]")]
    [InlineData("[{}]")]
    [InlineData("<xml/>")]
    [InlineData("[{\"id\":\"1\",\"eventType\":\"Microsoft.KeyVault.SecretNewVersionCreated\"}]")]
    [InlineData("{\"id\":\"1\",\"source\":\"/v\",\"specversion\":\"1.0\"}")]
    public void JunkGivesFalse(string body)
    {
        Assert.False(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString(body), out var notices));
        Assert.Empty(notices);
    }

    [Fact]
    public void MutatedAndRandomBodiesNeverThrow()
    {
        var random = new Random(20261202);
        var valid = Encoding.UTF8.GetBytes(Array(
            WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(Vault, "Db--Password", "v1")),
            WireEvents.CloudEvent(Expired, WireEvents.KeyVaultData(Vault, "Api-Key", "v2"))));
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var length = i % 4 == 0 ? random.Next(bytes.Length) : bytes.Length;
            var parsed = KeyVaultSecretEvents.TryParseSecretChangeNotices(new BinaryData(bytes.AsMemory(0, length)), out var notices);
            Assert.True(parsed || notices.Count == 0);
        }

        var deep = string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000));
        Assert.False(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString(deep), out _));
    }

    private static string Array(params JsonObject[] events) => new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()).ToJsonString();
}

using System.Text.Json.Nodes;
using Azure.Messaging;
using Azure.Messaging.EventGrid;

namespace SecretRotation.AspNetCore.Tests.Parsing;

/// <summary>The public Try-methods: Key Vault's secret events of both schemas become notices; anything else gives false, never an exception.</summary>
public sealed class KeyVaultSecretEventsTests
{
    private const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";
    private const string NearExpiry = "Microsoft.KeyVault.SecretNearExpiry";
    private const string Expired = "Microsoft.KeyVault.SecretExpired";
    private const string Version = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void AnEventGridSchemaEventForANewVersionNamesTheVaultHostTheSecretAndTheVersion()
    {
        var parsed = EventGridEvent.Parse(BinaryData.FromString(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData("myvault.vault.azure.net", "Db--Password", Version)).ToJsonString()));

        Assert.True(parsed.TryCreateSecretChangeNotice(out var notice));
        Assert.Equal(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "myvault.vault.azure.net", "Db--Password", Version), notice);
    }

    [Fact]
    public void AnEventBuiltWithTheSdkWorksAsWellAsAParsedOne()
    {
        var data = BinaryData.FromString(WireEvents.KeyVaultData("127.0.0.1:8443", "api-key", Version).ToJsonString());

        Assert.True(new EventGridEvent("api-key", NewVersion, "1", data).TryCreateSecretChangeNotice(out var fromEventGrid));
        Assert.True(new CloudEvent("/vaults/v", NewVersion, data, "application/json").TryCreateSecretChangeNotice(out var fromCloudEvent));

        // A port other than 443 stays in the store, as the Key Vault source names its vault.
        Assert.Equal(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "127.0.0.1:8443", "api-key", Version), fromEventGrid);
        Assert.Equal(fromEventGrid, fromCloudEvent);
    }

    [Fact]
    public void ACloudEventForANewVersionGivesTheSameNoticeAsItsEventGridTwin()
    {
        var data = WireEvents.KeyVaultData("myvault.vault.azure.net", "Db--Password", Version);
        var cloud = CloudEvent.Parse(BinaryData.FromString(WireEvents.CloudEvent(NewVersion, data).ToJsonString()))!;
        var eventGrid = EventGridEvent.Parse(BinaryData.FromString(WireEvents.EventGridEvent(NewVersion, data.DeepClone()).ToJsonString()));

        Assert.True(cloud.TryCreateSecretChangeNotice(out var fromCloud));
        Assert.True(eventGrid.TryCreateSecretChangeNotice(out var fromEventGrid));
        Assert.Equal(fromEventGrid, fromCloud);
    }

    [Fact]
    public void AnExpiryNamesNoVersionSoTheSourceReadsTheSecretAgain()
    {
        var data = WireEvents.KeyVaultData("myvault.vault.azure.net", "Db--Password", Version, exp: 1_700_000_000);

        Assert.True(EventGridEvent.Parse(BinaryData.FromString(WireEvents.EventGridEvent(Expired, data).ToJsonString())).TryCreateSecretChangeNotice(out var notice));
        Assert.Equal(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "myvault.vault.azure.net", "Db--Password"), notice);
    }

    [Fact]
    public void WithoutAnIdTheStoreIsTheVaultName()
    {
        var data = WireEvents.KeyVaultData("myvault.vault.azure.net", "Db--Password", Version);
        data.Remove("Id");
        data["VaultName"] = "myvault";

        Assert.True(new CloudEvent("/vaults/myvault", NewVersion, BinaryData.FromString(data.ToJsonString()), "application/json").TryCreateSecretChangeNotice(out var notice));
        Assert.Equal("myvault", notice.Store);
    }

    [Theory]
    [InlineData(NearExpiry)]
    [InlineData("Microsoft.Storage.BlobCreated")]
    [InlineData("Microsoft.KeyVault.KeyNewVersionCreated")]
    [InlineData("Microsoft.EventGrid.SubscriptionValidationEvent")]
    [InlineData("microsoft.keyvault.secretnewversioncreated")]
    public void EventsOfOtherTypesGiveNoNotice(string type)
    {
        var data = BinaryData.FromString(WireEvents.KeyVaultData("myvault.vault.azure.net", "Db--Password", Version).ToJsonString());

        Assert.False(new EventGridEvent("Db--Password", type, "1", data).TryCreateSecretChangeNotice(out var fromEventGrid));
        Assert.False(new CloudEvent("/vaults/v", type, data, "application/json").TryCreateSecretChangeNotice(out var fromCloud));
        Assert.Null(fromEventGrid);
        Assert.Null(fromCloud);
    }

    public static TheoryData<string, string> MalformedData => new()
    {
        { "no ObjectName", """{"VaultName":"v","Version":"1"}""" },
        { "no VaultName", """{"ObjectName":"db","Version":"1"}""" },
        { "blank ObjectName", """{"VaultName":"v","ObjectName":"  "}""" },
        { "ObjectName a number", """{"VaultName":"v","ObjectName":12}""" },
        { "ObjectName a path", """{"VaultName":"v","ObjectName":"../team-b/db"}""" },
        { "ObjectName with a line break", """{"VaultName":"v","ObjectName":"db\r\nforged"}""" },
        { "ObjectName too long", $$"""{"VaultName":"v","ObjectName":"{{new string('a', 128)}}"}""" },
        { "NBF not a number", """{"VaultName":"v","ObjectName":"db","NBF":"soon"}""" },
        { "EXP infinite", """{"VaultName":"v","ObjectName":"db","EXP":"1e999"}""" },
        { "data an array", """[{"VaultName":"v","ObjectName":"db"}]""" },
        { "data a string", "\"db\"" },
        { "data null", "null" },
        { "data not JSON", "{VaultName:" },
    };

    [Theory]
    [MemberData(nameof(MalformedData))]
    public void MalformedDataGivesFalseWithoutThrowing(string why, string data)
    {
        var bytes = BinaryData.FromString(data);

        Assert.False(new EventGridEvent("db", NewVersion, "1", bytes).TryCreateSecretChangeNotice(out _), why);
        Assert.False(new CloudEvent("/vaults/v", NewVersion, bytes, "application/json").TryCreateSecretChangeNotice(out _), why);
        Assert.False(KeyVaultSecretEvents.TryParseSecretChangeNotices(BinaryData.FromString($"[{WireEvents.EventGridEvent(NewVersion, JsonNode.Parse("{}")!).ToJsonString().Replace("\"data\":{}", $"\"data\":{data}", StringComparison.Ordinal)}]"), out var notices), why);
        Assert.Empty(notices);
    }

    [Fact]
    public void NullEventsGiveFalse()
    {
        Assert.False(((EventGridEvent?)null).TryCreateSecretChangeNotice(out _));
        Assert.False(((CloudEvent?)null).TryCreateSecretChangeNotice(out _));
        Assert.False(KeyVaultSecretEvents.TryParseSecretChangeNotices(null, out var notices));
        Assert.Empty(notices);
    }

    [Fact]
    public void ACloudEventWithoutDataGivesFalse()
    {
        Assert.False(new CloudEvent("/vaults/v", NewVersion, null).TryCreateSecretChangeNotice(out _));
    }
}

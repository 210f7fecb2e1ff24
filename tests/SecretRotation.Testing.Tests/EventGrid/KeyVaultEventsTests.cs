using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretRotation.Testing.Tests;

/// <summary>The Key Vault secret events: types, subject, topic, and the PascalCase data with its three NBF/EXP forms.</summary>
public sealed class KeyVaultEventsTests
{
    private static readonly DateTimeOffset s_notBefore = DateTimeOffset.FromUnixTimeSeconds(1559081980);
    private static readonly DateTimeOffset s_expires = DateTimeOffset.FromUnixTimeSeconds(1559082102);

    [Fact]
    public void SecretNewVersionCreatedHasTheDocumentedShape()
    {
        var time = new DateTimeOffset(2019, 7, 25, 1, 8, 33, TimeSpan.Zero);

        var created = KeyVaultEvents.SecretNewVersionCreated("sample-kv", "newsecret", "ee05", new KeyVaultEventOptions
        {
            AzureSubscriptionId = "sub-1",
            ResourceGroup = "sample-rg",
            EventId = "event-1",
            EventTime = time,
        });

        Assert.Equal("event-1", created.Id);
        Assert.Equal("Microsoft.KeyVault.SecretNewVersionCreated", created.EventType);
        Assert.Equal("/subscriptions/sub-1/resourceGroups/sample-rg/providers/Microsoft.KeyVault/vaults/sample-kv", created.Topic);
        Assert.Equal("newsecret", created.Subject);
        Assert.Equal(time, created.Time);
        Assert.Equal("1", created.DataVersion);
        Assert.Equal(
            """{"Id":"https://sample-kv.vault.azure.net/secrets/newsecret/ee05","VaultName":"sample-kv","ObjectType":"Secret","ObjectName":"newsecret","Version":"ee05","NBF":null,"EXP":null}""",
            created.Data!.ToJsonString());
    }

    [Fact]
    public void NearExpiryAndExpiredDifferOnlyInTheirType()
    {
        var options = new KeyVaultEventOptions { EventId = "e", EventTime = DateTimeOffset.UnixEpoch, Expires = s_expires };
        var created = KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v1", options);

        var nearExpiry = KeyVaultEvents.SecretNearExpiry("kv", "db", "v1", options);
        var expired = KeyVaultEvents.SecretExpired("kv", "db", "v1", options);

        Assert.Equal("Microsoft.KeyVault.SecretNearExpiry", nearExpiry.EventType);
        Assert.Equal("Microsoft.KeyVault.SecretExpired", expired.EventType);
        foreach (var other in new[] { nearExpiry, expired })
        {
            Assert.Equal(created.Data!.ToJsonString(), other.Data!.ToJsonString());
            Assert.Equal(created with { EventType = other.EventType, Data = other.Data }, other);
        }
    }

    [Fact]
    public void AGivenVaultUriIsTheBaseOfTheId()
    {
        var created = KeyVaultEvents.SecretNewVersionCreated("emulated", "db-password", "0123456789abcdef0123456789abcdef",
            new KeyVaultEventOptions { VaultUri = new Uri("https://127.0.0.1:54321/") });

        Assert.Equal("https://127.0.0.1:54321/secrets/db-password/0123456789abcdef0123456789abcdef", created.Data!["Id"]!.GetValue<string>());
        Assert.Equal("emulated", created.Data["VaultName"]!.GetValue<string>());
        Assert.EndsWith("/vaults/emulated", created.Topic, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KeyVaultTimestampFormat.Number, "1559081980", "1559082102")]
    [InlineData(KeyVaultTimestampFormat.NumericString, "\"1559081980\"", "\"1559082102\"")]
    [InlineData(KeyVaultTimestampFormat.Null, "null", "null")]
    public void NbfAndExpAreWrittenInTheChosenForm(KeyVaultTimestampFormat format, string nbf, string exp)
    {
        var created = KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v1", new KeyVaultEventOptions
        {
            NotBefore = s_notBefore.AddMilliseconds(999),
            Expires = s_expires,
            TimestampFormat = format,
        });

        Assert.EndsWith($"\"NBF\":{nbf},\"EXP\":{exp}}}", created.Data!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KeyVaultTimestampFormat.Number)]
    [InlineData(KeyVaultTimestampFormat.NumericString)]
    public void UnsetAttributesAreNullInEveryForm(KeyVaultTimestampFormat format)
    {
        var created = KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v1", new KeyVaultEventOptions { Expires = s_expires, TimestampFormat = format });

        using var data = JsonDocument.Parse(created.Data!.ToJsonString());
        Assert.Equal(JsonValueKind.Null, data.RootElement.GetProperty("NBF").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, data.RootElement.GetProperty("EXP").ValueKind);
    }

    [Fact]
    public void EachEventGetsItsOwnIdAndDataUnlessTold()
    {
        var first = KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v1");
        var second = KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v1");

        Assert.NotEqual(first.Id, second.Id);
        Assert.True(Guid.TryParse(first.Id, out _));
        Assert.NotSame(first.Data, second.Data);
        first.Data!["Version"] = "changed";
        Assert.Equal("v1", second.Data!["Version"]!.GetValue<string>());
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.ThrowsAny<ArgumentException>(() => KeyVaultEvents.SecretNewVersionCreated("", "db", "v1"));
        Assert.ThrowsAny<ArgumentException>(() => KeyVaultEvents.SecretNearExpiry("kv", "", "v1"));
        Assert.ThrowsAny<ArgumentException>(() => KeyVaultEvents.SecretExpired("kv", "db", null!));
        Assert.Throws<ArgumentException>(() => KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v1",
            new KeyVaultEventOptions { VaultUri = new Uri("/vault", UriKind.Relative) }));
    }

    [Fact]
    public void TheEventCanBeEditedIntoTheDocsQuirkyShape()
    {
        var created = KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v1");
        var data = (JsonObject)created.Data!.DeepClone();
        data.Remove("ObjectName");
        data["ObjectName "] = "db";

        var quirky = created with { Data = data };

        Assert.Contains("\"ObjectName \":\"db\"", quirky.Data!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\"ObjectName\":\"db\"", created.Data.ToJsonString(), StringComparison.Ordinal);
    }
}

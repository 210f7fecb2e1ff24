using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests.Parsing;

/// <summary>
/// A consumer of the user's own (an Azure Function, a Service Bus processor) needs no endpoint of ours: the Try-method, then the
/// configuration's refreshers, give a targeted refresh against the Key Vault emulator.
/// </summary>
public sealed class OwnConsumerRefreshTests
{
    private const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";

    [Fact]
    public async Task AParsedBodyHandedToTheRefreshersFetchesOnlyTheNamedSecret()
    {
        await using var vault = await KeyVaultEmulator.StartAsync();
        vault.SetSecret("Db--Password", "before");
        vault.SetSecret("Db--User", "app");
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddAzureKeyVaultSecrets(vault.CreateClient(), s => s.PollInterval = null)
            .Build();
        Assert.Equal("before", configuration["Db:Password"]);
        var version = vault.SetSecret("Db--Password", "after");
        vault.ClearRequests();
        var body = BinaryData.FromString(new System.Text.Json.Nodes.JsonArray(
            WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(vault.VaultUri.Authority, "Db--Password", version)),
            WireEvents.EventGridEvent("Microsoft.Storage.BlobCreated", new System.Text.Json.Nodes.JsonObject())).ToJsonString());

        // What a user's own consumer does.
        Assert.True(KeyVaultSecretEvents.TryParseSecretChangeNotices(body, out var notices));
        var refreshed = 0;
        foreach (var notice in notices)
        {
            foreach (var refresher in configuration.GetSecretRefreshers())
            {
                refreshed += await refresher.RefreshAsync(notice).WithTimeout("the targeted refresh") ? 1 : 0;
            }
        }

        Assert.Equal(1, refreshed);
        Assert.Equal("after", configuration["Db:Password"]);
        Assert.Equal("app", configuration["Db:User"]);
        Assert.Equal(1, vault.CountRequests(KeyVaultOperation.GetSecret, "Db--Password"));
        Assert.Equal(0, vault.CountRequests(KeyVaultOperation.GetSecret, "Db--User"));
        Assert.Equal(0, vault.CountRequests(KeyVaultOperation.ListSecrets));

        // The same event again (at least once): the version is known, nothing is fetched.
        Assert.True(KeyVaultSecretEvents.TryParseSecretChangeNotices(body, out var again));
        foreach (var refresher in configuration.GetSecretRefreshers())
        {
            await refresher.RefreshAsync(again[0]).WithTimeout("the duplicate");
        }

        Assert.Equal(1, vault.CountRequests(KeyVaultOperation.GetSecret, "Db--Password"));
    }

    [Fact]
    public async Task ANoticeForAnotherVaultReadsNothing()
    {
        await using var vault = await KeyVaultEmulator.StartAsync();
        vault.SetSecret("Db--Password", "before");
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddAzureKeyVaultSecrets(vault.CreateClient(), s => s.PollInterval = null)
            .Build();
        vault.ClearRequests();
        var other = new CloudEventBody("othervault.vault.azure.net").ToBinaryData();

        Assert.True(KeyVaultSecretEvents.TryParseSecretChangeNotices(other, out var notices));
        var notice = Assert.Single(notices);
        foreach (var refresher in configuration.GetSecretRefreshers())
        {
            Assert.False(await refresher.RefreshAsync(notice).WithTimeout("the foreign notice"));
        }

        Assert.Empty(vault.Requests);
    }

    private sealed record CloudEventBody(string VaultHost)
    {
        public BinaryData ToBinaryData() =>
            BinaryData.FromString(WireEvents.CloudEvent(NewVersion, WireEvents.KeyVaultData(VaultHost, "Db--Password", "0123456789abcdef0123456789abcdef")).ToJsonString());
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.AzureKeyVault.Internal;
using SecretRotation.TestSupport;

namespace SecretRotation.AzureKeyVault.Tests.Hardening;

/// <summary>
/// Whole-vault mode: notices for names the last listing did not show cost one listing (spaced out), not a GET each; too
/// many notices in one read make it a poll; versions are remembered only for secrets held.
/// </summary>
public sealed class NoticesForUnlistedNamesCostOneListingTests
{
    [Fact]
    public async Task TenFloodsOfNoticesForSecretsThatDoNotExistCostOneListingAndNoGet()
    {
        await using var harness = await SettledAsync(secrets: 3);
        var reader = (KeyVaultSecretReader)harness.Provider.Source;

        for (var delivery = 0; delivery < 10; delivery++)
        {
            var notices = Enumerable.Range(0, 1_500)
                .Select(i => new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, $"ghost-{delivery}-{i}", $"{delivery:x16}{i:x16}"));
            var owned = await Task.WhenAll(notices.Select(notice => harness.Refresher.RefreshAsync(notice))).WithTimeout("the notices");
            Assert.All(owned, Assert.True);
        }

        await harness.AdvanceAsync(KeyVaultSecretReader.NoticeListingInterval);

        Assert.InRange(harness.Lists(), 1, 2);
        Assert.Equal(0, harness.Gets());
        Assert.Equal(3, reader.RememberedVersionCount);
        Assert.Equal(0, harness.Reloads);
    }

    [Fact]
    public async Task ANoticeForANewSecretIsFoundByOneListingAndOneGet()
    {
        await using var harness = await SettledAsync(secrets: 3);
        await harness.AdvanceAsync(KeyVaultSecretReader.NoticeListingInterval);
        var version = harness.Emulator.SetSecret("brand-new", "fresh");
        harness.Emulator.ClearRequests();

        await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, "brand-new", version));

        Assert.Equal("fresh", harness.Configuration["brand-new"]);
        Assert.Equal(1, harness.Lists());
        Assert.Equal(1, harness.Gets());
        Assert.Equal(1, harness.Gets("brand-new"));
    }

    [Fact]
    public async Task ANoticeForANewSecretRightAfterAListingIsReadByTheNextListing()
    {
        await using var harness = await SettledAsync(secrets: 3);
        var version = harness.Emulator.SetSecret("brand-new", "fresh");

        await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, "brand-new", version));
        Assert.Empty(harness.Emulator.Requests);
        Assert.Null(harness.Configuration["brand-new"]);

        await harness.AdvanceAsync(KeyVaultSecretReader.NoticeListingInterval);

        Assert.Equal("fresh", harness.Configuration["brand-new"]);
        Assert.Equal(1, harness.Lists());
        Assert.Equal(1, harness.Gets("brand-new"));
        Assert.Equal(1, harness.Gets());
    }

    [Fact]
    public async Task MoreNoticesThanTheCapMakeTheReadAPollInsteadOfAGetEach()
    {
        await using var harness = await SettledAsync(secrets: 40);
        var reader = (KeyVaultSecretReader)harness.Provider.Source;
        await harness.AdvanceAsync(KeyVaultSecretReader.NoticeListingInterval);
        var rotated = harness.Emulator.SetSecret("secret-07", "rotated");
        harness.Emulator.ClearRequests();

        // One read handed all 40 notices, as the engine does when they arrive together (handing them through the engine would
        // let the loop start a read with the first few, which is a different case).
        var notices = Enumerable.Range(0, 40)
            .Select(i => new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, $"secret-{i:D2}", i == 7 ? rotated : $"{i:x32}"))
            .ToList();
        var read = await reader.ReadAsync(new SecretReadRequest(SecretSet.Empty, RefreshTriggers.ChangeNotice, notices, NullLogger.Instance), CancellationToken.None)
            .WithTimeout("the read");

        Assert.True(notices.Count > KeyVaultSecretReader.MaxNoticesPerRead);
        Assert.Equal("rotated", read["secret-07"].Value);
        Assert.Equal(2, harness.Lists()); // 40 secrets: two pages
        Assert.Equal(1, harness.Gets());
        Assert.Equal(1, harness.Gets("secret-07"));
    }

    [Fact]
    public async Task VersionsNamedForSecretsNotHeldAreNotRemembered()
    {
        await using var harness = await SettledAsync(secrets: 2);
        var reader = (KeyVaultSecretReader)harness.Provider.Source;
        await harness.AdvanceAsync(KeyVaultSecretReader.NoticeListingInterval);

        for (var i = 0; i < 200; i++)
        {
            await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, $"ghost-{i}", $"{i:x32}"));
        }

        Assert.Equal(2, reader.RememberedVersionCount);
    }

    /// <summary>A whole-vault source whose secrets are loaded and settled (two polls), with the request log cleared.</summary>
    private static async Task<KeyVaultHarness> SettledAsync(int secrets)
    {
        var harness = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < secrets; i++)
        {
            harness.Emulator.SetSecret($"secret-{i:D2}", $"value-{i}");
        }

        harness.Build();
        await harness.PollAsync();
        await harness.PollAsync();
        harness.Emulator.ClearRequests();
        return harness;
    }
}

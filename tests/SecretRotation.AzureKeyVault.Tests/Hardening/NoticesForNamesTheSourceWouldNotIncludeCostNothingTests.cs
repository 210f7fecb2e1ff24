namespace SecretRotation.AzureKeyVault.Tests.Hardening;

/// <summary>A notice for a name the mapper or the named list rules out is not the source's and makes no request.</summary>
public sealed class NoticesForNamesTheSourceWouldNotIncludeCostNothingTests
{
    [Theory]
    [InlineData("newsecret")]
    [InlineData("otherapp--x")]
    [InlineData("app--")]
    public async Task APrefixedSourceDoesNotOwnANoticeForAnotherPrefix(string name)
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("app--Db--Password", "p1");
        harness.Build(s => s.Prefix = "app--");
        harness.Emulator.ClearRequests();

        var owned = await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, name, "0123456789abcdef0123456789abcdef"));

        Assert.False(owned);
        Assert.Empty(harness.Emulator.Requests);
    }

    [Fact]
    public async Task ANamedSourceDoesNotOwnANoticeForANameItWasNotGiven()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "p1");
        harness.Emulator.SetSecret("unrelated", "u1");
        harness.Build(s => s.SecretNames = ["db-password"]);
        harness.Emulator.ClearRequests();

        var owned = await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, "unrelated"));

        Assert.False(owned);
        Assert.Empty(harness.Emulator.Requests);
    }

    [Fact]
    public async Task ACustomMapperThatRulesOutANameByItselfMakesItsNoticesCostNothing()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("Db--Password", "p1");
        harness.Emulator.SetSecret("internal-Db--Password", "i1");
        harness.Build(s => s.Mapper = new SkipInternalMapper());
        harness.Emulator.ClearRequests();

        var owned = await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, "internal-Db--Password"));

        Assert.False(owned);
        Assert.Empty(harness.Emulator.Requests);
        Assert.Equal("p1", harness.Configuration["Db:Password"]);
    }

    private sealed class SkipInternalMapper : KeyVaultSecretMapper
    {
        public override bool MayInclude(string secretName) => !secretName.StartsWith("internal-", StringComparison.OrdinalIgnoreCase);
    }
}

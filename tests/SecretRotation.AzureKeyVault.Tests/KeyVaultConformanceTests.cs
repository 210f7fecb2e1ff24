using SecretRotation.TestSupport;

namespace SecretRotation.AzureKeyVault.Tests;

public sealed class KeyVaultConformanceTests : SecretSourceConformanceTests
{
    /// <summary>Key Vault secret names allow only 0-9, a-z, A-Z and '-', so no name can hold <c>__</c>.</summary>
    [Fact(Skip = "Key Vault secret names allow only 0-9, a-z, A-Z and '-': no name can hold '__' (DoubleDashInANameMakesASection covers sections).")]
    public override Task DoubleUnderscoreInANameMakesASection() => Task.CompletedTask;

    /// <summary>Differs: <c>--</c> is Key Vault's section separator (<c>Db--Host</c> is <c>Db:Host</c>), as in the Azure SDK's own provider.</summary>
    [Fact]
    public override async Task DoubleDashInANameIsKeptAsWritten()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Db--Host"] = "conformance-host-1", ["Db--Port"] = "conformance-port-1" });

        using var configuration = Build(store);

        Assert.Equal("conformance-host-1", configuration["Db:Host"]);
        Assert.Equal("conformance-port-1", configuration.GetSection("Db")["Port"]);
        Assert.Null(configuration["Db--Host"]);
    }

    /// <summary>
    /// Differs: Key Vault names are case-insensitive, so a second name differing only in case is a new version of the same secret,
    /// and the source reads that latest version.
    /// </summary>
    [Fact]
    public override Task NamesDifferingOnlyInCaseFailTheLoadWithoutShowingTheValues() => AssertTheLaterOfTwoNamesDifferingOnlyInCaseWinsAsync();

    protected override async Task<ISecretStoreFixture> CreateStoreAsync() => await KeyVaultStore.StartAsync();
}

using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests;

public sealed class VaultConformanceTests : SecretSourceConformanceTests
{
    /// <summary>Differs: a KV secret's fields are JSON keys, taken as written; sections come from nested objects, not from <c>__</c>.</summary>
    [Fact]
    public override async Task DoubleUnderscoreInANameMakesASection()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Db__User"] = "conformance-user-5" });

        using var configuration = Build(store);

        Assert.Equal("conformance-user-5", configuration["Db__User"]);
        Assert.False(configuration.GetSection("Db").Exists());
    }

    protected override async Task<ISecretStoreFixture> CreateStoreAsync() => new VaultStore(await VaultEmulator.StartAsync());
}

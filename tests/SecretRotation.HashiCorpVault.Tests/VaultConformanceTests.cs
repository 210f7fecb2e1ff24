using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests;

public sealed class VaultConformanceTests : SecretSourceConformanceTests
{
    /// <summary>Differs: a KV secret's fields are JSON keys, taken as written; sections come from nested objects, not from <c>__</c>.</summary>
    [Fact]
    public override Task DoubleUnderscoreInANameMakesASection() => AssertDoubleUnderscoreIsKeptAsWrittenAsync();

    protected override async Task<ISecretStoreFixture> CreateStoreAsync() => new VaultStore(await VaultEmulator.StartAsync());
}

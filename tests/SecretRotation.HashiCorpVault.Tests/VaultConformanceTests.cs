using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests;

public sealed class VaultConformanceTests : SecretSourceConformanceTests
{
    protected override async Task<ISecretStoreFixture> CreateStoreAsync() => new VaultStore(await VaultEmulator.StartAsync());
}

using SecretRotation.TestSupport;

namespace SecretRotation.AzureKeyVault.Tests;

public sealed class KeyVaultConformanceTests : SecretSourceConformanceTests
{
    protected override async Task<ISecretStoreFixture> CreateStoreAsync() => await KeyVaultStore.StartAsync();
}

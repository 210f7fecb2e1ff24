using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Conformance;

public sealed class KubeletVolumeConformanceTests : SecretSourceConformanceTests
{
    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new KubeletVolumeStore());
}

public sealed class PlainDirectoryConformanceTests : SecretSourceConformanceTests
{
    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new PlainDirectoryStore());
}

public sealed class RenderedJsonFileConformanceTests : SecretSourceConformanceTests
{
    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new RenderedFileStore(RenderedSecretsFormat.Json));
}

public sealed class RenderedKeyValueFileConformanceTests : SecretSourceConformanceTests
{
    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new RenderedFileStore(RenderedSecretsFormat.KeyValue));
}

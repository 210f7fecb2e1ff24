using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Conformance;

public sealed class KubeletVolumeConformanceTests : SecretSourceConformanceTests
{
    protected override ISecretStoreFixture CreateStore() => new KubeletVolumeStore();
}

public sealed class PlainDirectoryConformanceTests : SecretSourceConformanceTests
{
    protected override ISecretStoreFixture CreateStore() => new PlainDirectoryStore();
}

public sealed class RenderedJsonFileConformanceTests : SecretSourceConformanceTests
{
    protected override ISecretStoreFixture CreateStore() => new RenderedFileStore(RenderedSecretsFormat.Json);
}

public sealed class RenderedKeyValueFileConformanceTests : SecretSourceConformanceTests
{
    protected override ISecretStoreFixture CreateStore() => new RenderedFileStore(RenderedSecretsFormat.KeyValue);
}

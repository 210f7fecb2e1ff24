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
    /// <summary>Differs: JSON keys are taken as written; sections come from nested objects, not from <c>__</c>.</summary>
    [Fact]
    public override Task DoubleUnderscoreInANameMakesASection() => AssertDoubleUnderscoreIsKeptAsWrittenAsync();

    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new RenderedFileStore(RenderedSecretsFormat.Json));
}

public sealed class RenderedKeyValueFileConformanceTests : SecretSourceConformanceTests
{
    /// <summary>Differs: as in shell and <c>.env</c> files, a later assignment to the same (case-insensitive) key wins.</summary>
    [Fact]
    public override Task NamesDifferingOnlyInCaseFailTheLoadWithoutShowingTheValues() => AssertTheLaterOfTwoNamesDifferingOnlyInCaseWinsAsync();

    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new RenderedFileStore(RenderedSecretsFormat.KeyValue));
}

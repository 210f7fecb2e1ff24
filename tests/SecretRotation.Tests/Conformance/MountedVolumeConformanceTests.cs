using Microsoft.Extensions.Configuration;
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
    public override async Task DoubleUnderscoreInANameMakesASection()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Db__User"] = "conformance-user-5" });

        using var configuration = Build(store);

        Assert.Equal("conformance-user-5", configuration["Db__User"]);
        Assert.False(configuration.GetSection("Db").Exists());
    }

    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new RenderedFileStore(RenderedSecretsFormat.Json));
}

public sealed class RenderedKeyValueFileConformanceTests : SecretSourceConformanceTests
{
    /// <summary>Differs: as in shell and <c>.env</c> files, a later assignment to the same (case-insensitive) key wins.</summary>
    [Fact]
    public override async Task NamesDifferingOnlyInCaseFailTheLoadWithoutShowingTheValues()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Api-Key"] = "conformance-case-1", ["api-key"] = "conformance-case-2" });

        using var configuration = Build(store);

        Assert.Equal("conformance-case-2", configuration["Api-Key"]);
        Assert.Single(configuration.AsEnumerable());
    }

    protected override Task<ISecretStoreFixture> CreateStoreAsync() => Task.FromResult<ISecretStoreFixture>(new RenderedFileStore(RenderedSecretsFormat.KeyValue));
}

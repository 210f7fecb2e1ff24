using SecretRotation.TestSupport;

namespace SecretRotation.Kubernetes.Tests;

/// <summary>The conformance facts every source passes, against the Kubernetes API emulator (watching, poll off).</summary>
public sealed class KubernetesConformanceTests : SecretSourceConformanceTests
{
    protected override async Task<ISecretStoreFixture> CreateStoreAsync() => new KubernetesStore(await KubernetesHarness.StartAsync());
}

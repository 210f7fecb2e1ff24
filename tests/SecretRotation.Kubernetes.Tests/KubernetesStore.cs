using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Kubernetes.Tests;

/// <summary>
/// A Secret in the Kubernetes API emulator as the conformance tests drive it; "touch" changes only a label (a metadata-only
/// update: new resourceVersion, same data); "broken" answers 503 to every request.
/// </summary>
internal sealed class KubernetesStore(KubernetesHarness harness) : ISecretStoreFixture
{
    private const string SecretName = "conformance";
    private const string MissingName = "missing-secret";

    private IReadOnlyDictionary<string, string> _last = new Dictionary<string, string>();
    private int _touches;

    public string MissingStoreDescription => $"'{KubernetesHarness.Namespace}/{MissingName}'";

    public Task PublishAsync(IReadOnlyDictionary<string, string> secrets)
    {
        _last = secrets;
        harness.Emulator.SetSecret(KubernetesHarness.Namespace, SecretName, secrets);
        return Task.CompletedTask;
    }

    public Task TouchAsync()
    {
        _touches++;
        harness.Emulator.SetSecret(KubernetesHarness.Namespace, SecretName, _last, new Dictionary<string, string> { ["touched"] = $"t{_touches}" });
        return Task.CompletedTask;
    }

    public Task BreakAsync()
    {
        harness.Emulator.InjectFault(new KubernetesFault { StatusCode = 503 });
        return Task.CompletedTask;
    }

    public Task RestoreAsync()
    {
        harness.Emulator.ClearFaults();
        return Task.CompletedTask;
    }

    public void AddSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        harness.AddSource(builder, [SecretName], source =>
        {
            source.Optional = optional;
            source.LoggerFactory = loggerFactory;
        });

    public void AddMissingSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        harness.AddSource(builder, [MissingName], source =>
        {
            source.Optional = optional;
            source.LoggerFactory = loggerFactory;
        });

    public ValueTask DisposeAsync() => harness.DisposeAsync();
}

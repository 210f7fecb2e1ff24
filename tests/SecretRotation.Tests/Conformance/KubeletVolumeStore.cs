using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Conformance;

/// <summary>A Kubernetes secret volume, updated by the kubelet's atomic writer; "broken" means unmounted.</summary>
internal sealed class KubeletVolumeStore : ISecretStoreFixture
{
    private readonly TemporaryDirectory _root = new();
    private readonly KubernetesVolumeWriter _writer;
    private IReadOnlyDictionary<string, string> _last = new Dictionary<string, string>();

    public KubeletVolumeStore()
    {
        MountPath = _root.Combine("mount");
        _writer = new KubernetesVolumeWriter(MountPath);
    }

    public string MountPath { get; }

    public string MissingStoreDescription => _root.Combine("not-mounted");

    private string UnmountedPath => _root.Combine("unmounted");

    public Task PublishAsync(IReadOnlyDictionary<string, string> secrets)
    {
        _last = secrets;
        _writer.Write(secrets);
        return Task.CompletedTask;
    }

    public Task TouchAsync()
    {
        _writer.Write(_last);
        foreach (var name in _last.Keys)
        {
            File.SetLastWriteTimeUtc(Path.Combine(MountPath, name), DateTime.UtcNow);
        }

        return Task.CompletedTask;
    }

    public Task BreakAsync()
    {
        Directory.Move(MountPath, UnmountedPath);
        return Task.CompletedTask;
    }

    public Task RestoreAsync()
    {
        Directory.Move(UnmountedPath, MountPath);
        return Task.CompletedTask;
    }

    public void AddSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        builder.AddMountedSecrets(MountPath, s =>
        {
            s.Optional = optional;
            s.LoggerFactory = loggerFactory;
        });

    public void AddMissingSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        builder.AddMountedSecrets(MissingStoreDescription, s =>
        {
            s.Optional = optional;
            s.LoggerFactory = loggerFactory;
        });

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}

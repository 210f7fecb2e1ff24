using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Conformance;

/// <summary>A plain directory that Vault Agent writes into: each file written to a temp name and renamed in.</summary>
internal sealed class PlainDirectoryStore : ISecretStoreFixture
{
    private readonly TemporaryDirectory _root = new();
    private IReadOnlyDictionary<string, string> _last = new Dictionary<string, string>();

    public PlainDirectoryStore()
    {
        MountPath = _root.Combine("secrets");
        Directory.CreateDirectory(MountPath);
    }

    public string MountPath { get; }

    public string MissingStoreDescription => _root.Combine("absent");

    public Task PublishAsync(IReadOnlyDictionary<string, string> secrets)
    {
        _last = secrets;
        foreach (var (name, value) in secrets)
        {
            var temp = Path.Combine(MountPath, $".{name}.tmp");
            File.WriteAllText(temp, value + "\n", Encoding.UTF8);
            File.Move(temp, Path.Combine(MountPath, name), overwrite: true);
        }

        foreach (var file in Directory.GetFiles(MountPath))
        {
            if (!secrets.ContainsKey(Path.GetFileName(file)) && !Path.GetFileName(file).StartsWith('.'))
            {
                File.Delete(file);
            }
        }

        return Task.CompletedTask;
    }

    public Task TouchAsync()
    {
        // Rewritten the way the writer this store stands for does it (temp name, then rename): an in-place rewrite truncates
        // first, and a read in between (a debounce that ends while a loaded machine is mid-write) sees an empty value, which
        // is a real change. It failed NoChangeFiresNothing under load in CI.
        foreach (var (name, value) in _last)
        {
            var temp = Path.Combine(MountPath, $".{name}.tmp");
            File.WriteAllText(temp, value + "\n", Encoding.UTF8);
            File.Move(temp, Path.Combine(MountPath, name), overwrite: true);
        }

        return Task.CompletedTask;
    }

    public Task BreakAsync()
    {
        // A file the process may not read fails the refresh (as root, permissions are no obstacle, so use a dangling link).
        File.CreateSymbolicLink(Path.Combine(MountPath, "broken"), Path.Combine(MountPath, "does-not-exist"));
        return Task.CompletedTask;
    }

    public Task RestoreAsync()
    {
        File.Delete(Path.Combine(MountPath, "broken"));
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

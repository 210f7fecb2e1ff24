using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Conformance;

/// <summary>One file rendered by Vault Agent or consul-template (JSON or KEY=VALUE), replaced by rename.</summary>
internal sealed class RenderedFileStore(RenderedSecretsFormat format) : ISecretStoreFixture
{
    private readonly TemporaryDirectory _root = new();
    private IReadOnlyDictionary<string, string> _last = new Dictionary<string, string>();

    public string FilePath => _root.Combine(format == RenderedSecretsFormat.Json ? "app.json" : "app.env");

    public string MissingStoreDescription => _root.Combine("missing.json");

    public Task PublishAsync(IReadOnlyDictionary<string, string> secrets)
    {
        _last = secrets;
        var temp = FilePath + ".tmp";
        File.WriteAllText(temp, Render(secrets), Encoding.UTF8);
        File.Move(temp, FilePath, overwrite: true);
        return Task.CompletedTask;
    }

    // Re-rendered as Vault Agent writes (temp file, then rename): an in-place rewrite could be read half-written under load.
    public Task TouchAsync() => PublishAsync(_last);

    public Task BreakAsync()
    {
        File.Delete(FilePath);
        return Task.CompletedTask;
    }

    public Task RestoreAsync() => PublishAsync(_last);

    public void AddSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        builder.AddMountedSecretsFile(FilePath, s =>
        {
            s.Optional = optional;
            s.LoggerFactory = loggerFactory;
        });

    public void AddMissingSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        builder.AddMountedSecretsFile(MissingStoreDescription, s =>
        {
            s.Optional = optional;
            s.LoggerFactory = loggerFactory;
        });

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }

    private string Render(IReadOnlyDictionary<string, string> secrets) => format == RenderedSecretsFormat.Json
        ? JsonSerializer.Serialize(secrets)
        : string.Join('\n', secrets.Select(pair => $"{pair.Key}=\"{pair.Value}\"")) + "\n";
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests;

/// <summary>A KV v2 secret in the Vault emulator as the conformance tests drive it; "broken" means sealed.</summary>
internal sealed class VaultStore(VaultEmulator emulator) : ISecretStoreFixture
{
    private const string Path = "secret/conformance/app";

    public string MissingStoreDescription => "127.0.0.1:1";

    private IReadOnlyDictionary<string, string> _last = new Dictionary<string, string>();

    public Task PublishAsync(IReadOnlyDictionary<string, string> secrets)
    {
        _last = secrets;
        emulator.WriteKv(Path, secrets.ToDictionary(pair => pair.Key, pair => (object?)pair.Value));
        return Task.CompletedTask;
    }

    /// <summary>Writes the same values again: a new KV v2 version with nothing changed.</summary>
    public Task TouchAsync()
    {
        emulator.WriteKv(Path, _last.ToDictionary(pair => pair.Key, pair => (object?)pair.Value));
        return Task.CompletedTask;
    }

    public Task BreakAsync()
    {
        emulator.Sealed = true;
        return Task.CompletedTask;
    }

    public Task RestoreAsync()
    {
        emulator.Sealed = false;
        return Task.CompletedTask;
    }

    public void AddSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        builder.AddHashiCorpVault(o =>
        {
            o.Address = emulator.Address;
            o.UseToken(emulator.RootToken);
            o.Map(Path, string.Empty);
            o.Optional = optional;
            o.LoggerFactory = loggerFactory;
        });

    public void AddMissingSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        builder.AddHashiCorpVault(o =>
        {
            o.Address = new Uri("http://127.0.0.1:1/");
            o.UseToken("hvs.not-a-real-token");
            o.Map(Path, string.Empty);
            o.Optional = optional;
            o.LoggerFactory = loggerFactory;
        });

    public ValueTask DisposeAsync() => emulator.DisposeAsync();
}

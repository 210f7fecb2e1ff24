using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AzureKeyVault.Tests;

/// <summary>The Key Vault emulator as the conformance tests drive it; "broken" means every request answers 503.</summary>
internal sealed class KeyVaultStore : ISecretStoreFixture
{
    private KeyVaultStore(KeyVaultEmulator emulator)
    {
        Emulator = emulator;
    }

    public KeyVaultEmulator Emulator { get; }

    public string MissingStoreDescription => "127.0.0.1:1";

    public static async Task<KeyVaultStore> StartAsync(KeyVaultEmulatorOptions? options = null) =>
        new(await KeyVaultEmulator.StartAsync(options));

    public SecretClient CreateClient() => Emulator.CreateClient(TestSecretClientOptions.ZeroDelayRetries());

    private IReadOnlyCollection<string> _names = [];

    public Task PublishAsync(IReadOnlyDictionary<string, string> secrets)
    {
        _names = secrets.Keys.ToArray();
        foreach (var (name, value) in secrets)
        {
            Emulator.SetSecret(name, value);
        }

        return Task.CompletedTask;
    }

    /// <summary>Updates the current versions' attributes (which moves their <c>updated</c> time) without a new value.</summary>
    public Task TouchAsync()
    {
        foreach (var name in _names)
        {
            Emulator.UpdateSecret(name, version: null, enabled: true);
        }

        return Task.CompletedTask;
    }

    public Task BreakAsync()
    {
        Emulator.InjectFault(new KeyVaultFault { StatusCode = 503 });
        return Task.CompletedTask;
    }

    public Task RestoreAsync()
    {
        Emulator.ClearFaults();
        return Task.CompletedTask;
    }

    public void AddSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory) =>
        builder.AddAzureKeyVaultSecrets(CreateClient(), s =>
        {
            s.Optional = optional;
            s.LoggerFactory = loggerFactory;
        });

    public void AddMissingSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory)
    {
        var options = TestSecretClientOptions.ZeroDelayRetries();
        options.DisableChallengeResourceVerification = true;
        var client = new SecretClient(new Uri("https://127.0.0.1:1/"), Emulator.Credential, options);
        builder.AddAzureKeyVaultSecrets(client, s =>
        {
            s.Optional = optional;
            s.LoggerFactory = loggerFactory;
        });
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

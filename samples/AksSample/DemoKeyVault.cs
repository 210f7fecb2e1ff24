using Azure.Security.KeyVault.Secrets;
using SecretRotation.Testing;

namespace AksSample;

/// <summary>
/// The local demo's Azure Key Vault: a <see cref="KeyVaultEmulator"/> on a loopback HTTPS port holding one secret,
/// <see cref="ApiKeySecretName"/>. Disposing it stops the emulator.
/// </summary>
public sealed class DemoKeyVault : IAsyncDisposable
{
    /// <summary>The secret the demo rotates; the prefix is stripped and <c>--</c> becomes <c>:</c>, so it binds to <c>Database:ApiKey</c>.</summary>
    public const string ApiKeySecretName = KeyVaultOptions.SecretNamePrefix + "Database--ApiKey";

    /// <summary>The vault's name in the Event Grid events the demo delivers (<c>VaultName</c>, and the end of the topic).</summary>
    public const string VaultName = "aks-sample-demo";

    /// <summary>How often the app polls the emulator: the safety net behind the events the demo delivers.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    private readonly KeyVaultEmulator _emulator;

    private DemoKeyVault(KeyVaultEmulator emulator)
    {
        _emulator = emulator;
    }

    /// <summary>The emulator's vault URL, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri VaultUri => _emulator.VaultUri;

    /// <summary>Starts the emulator and writes the first version of the API key.</summary>
    public static async Task<DemoKeyVault> StartAsync(CancellationToken cancellationToken = default)
    {
        var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: cancellationToken);
        try
        {
            var vault = new DemoKeyVault(emulator);
            vault.RotateApiKey();
            return vault;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client that trusts the emulator's start-up certificate; its transport is disposed with the emulator.</summary>
    public SecretClient CreateClient() => _emulator.CreateClient();

    /// <summary>Writes a new random version of <see cref="ApiKeySecretName"/> directly into the emulator's store.</summary>
    /// <returns>The new version id and the new value's fingerprint (never the value).</returns>
    public (string Version, string Fingerprint) RotateApiKey()
    {
        var value = DemoPayload.CreateApiKey();
        var version = _emulator.SetSecret(ApiKeySecretName, value);
        return (version, SecretFingerprint.Of(value)!);
    }

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}

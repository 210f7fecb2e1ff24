using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// A <see cref="KeyVaultEmulator"/> holding numbered secrets (<c>secret-000</c>, <c>secret-001</c>...), on a fake clock that
/// every configuration built from it shares: the emulator stamps <c>updated</c> with it and the engine polls by it, so a
/// poll runs when the clock is moved, not after five real minutes. Request latency runs on the real clock.
/// </summary>
internal sealed class EmulatedVault : IAsyncDisposable
{
    private static readonly DateTimeOffset ClockStart = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private EmulatedVault(KeyVaultEmulator emulator, FakeTimeProvider time, IReadOnlyList<string> secretNames)
    {
        Emulator = emulator;
        Time = time;
        SecretNames = secretNames;
    }

    public KeyVaultEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The names of the secrets written at start.</summary>
    public IReadOnlyList<string> SecretNames { get; }

    /// <summary>
    /// Starts an emulator (on a port no earlier emulator in this process used, so the SDK's challenge cache is empty for it)
    /// and writes <paramref name="secretCount"/> secrets at the fake clock's start.
    /// </summary>
    public static async Task<EmulatedVault> StartAsync(int secretCount, TimeSpan latency)
    {
        var time = new FakeTimeProvider(ClockStart);
        var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time, Latency = latency });
        var names = Enumerable.Range(0, secretCount).Select(index => $"secret-{index:D3}").ToArray();
        foreach (var name in names)
        {
            emulator.SetSecret(name, $"initial value of {name}");
        }

        return new EmulatedVault(emulator, time, names);
    }

    /// <summary>
    /// A builder with one Key Vault source reading through <paramref name="client"/>, on this vault's fake clock and with no
    /// poll jitter (so one poll interval on the fake clock is exactly one poll); <paramref name="configure"/> sets the rest.
    /// </summary>
    public ConfigurationBuilder CreateBuilder(SecretClient client, Action<AzureKeyVaultSecretsSource> configure)
    {
        var builder = new ConfigurationBuilder();
        builder.AddAzureKeyVaultSecrets(client, source =>
        {
            source.TimeProvider = Time;
            source.PollJitter = 0;
            configure(source);
        });
        return builder;
    }

    /// <summary>Counts the requests answered since the last call (or <see cref="KeyVaultEmulator.ClearRequests"/>) and forgets them.</summary>
    public RequestCounts TakeRequests()
    {
        var counts = RequestCounts.From(Emulator.Requests);
        Emulator.ClearRequests();
        return counts;
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Kubernetes.Tests;

/// <summary>
/// The same Secret read as a kubelet volume (<c>AddMountedSecrets</c>) and through the API (<c>AddKubernetesSecrets</c>)
/// gives the same configuration: same keys (<c>__</c> sections, dots, dashes, case, hidden names skipped), same values
/// (one trailing newline trimmed, a byte-order mark dropped), under the same section.
/// </summary>
public sealed class VolumeAndWatchKeysTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task SwitchingBetweenTheVolumeAndTheWatchChangesNoKeyAndNoValue()
    {
        var data = new Dictionary<string, byte[]>
        {
            ["User"] = "keys-user"u8.ToArray(),
            ["Password"] = "keys-password\n"u8.ToArray(),
            ["Db__Host"] = "db.internal\r\n"u8.ToArray(),
            ["Db__Pool__Size"] = "10"u8.ToArray(),
            ["api-key"] = "\uFEFFkeys-api"u8.ToArray(),
            ["Db--Name"] = "orders"u8.ToArray(),
            ["tls.crt"] = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n\n"u8.ToArray(),
            [".hidden"] = "never-a-key"u8.ToArray(),
        };
        var volume = _directory.Combine("volume");
        new KubernetesVolumeWriter(volume).Write(data);
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(KubernetesHarness.Namespace, "app-secrets", data);

        using var fromVolume = (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(volume, s => s.KeyPrefix = "App")
            .Build();
        using var fromWatch = harness.Build(["app-secrets"], s => s.KeyPrefix = "App");

        var volumeView = Flatten(fromVolume);
        var watchView = Flatten(fromWatch);
        Assert.Equal(volumeView, watchView);
        Assert.Equal("db.internal", fromWatch["App:Db:Host"]);
        Assert.Equal("10", fromWatch["App:Db:Pool:Size"]);
        Assert.Equal("keys-password", fromWatch["App:Password"]);
        Assert.Equal("keys-api", fromWatch["App:api-key"]);
        Assert.Equal("orders", fromWatch["App:Db--Name"]);
        Assert.Null(fromWatch["App:.hidden"]);
    }

    private static List<string> Flatten(IConfiguration configuration) =>
        [.. configuration.AsEnumerable().Select(pair => $"{pair.Key}={pair.Value}").Order(StringComparer.Ordinal)];
}

using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.HashiCorpVault.Client;
using SecretRotation.HashiCorpVault.Reading;
using SecretRotation.Testing;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>A first read that failed on one path and is tried again (a required Load retried) does not mint the leases it already holds.</summary>
public sealed class RetriedFirstReadTests
{
    [Fact]
    public async Task AFirstReadTriedAgainKeepsTheLeaseItReadTheFirstTime()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["password"] = "vault-pass-1" });
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        harness.Emulator.SetPolicy("app", "database/creds/app");
        var token = harness.Emulator.CreateToken(TimeSpan.FromHours(1), policies: ["app"]);
        var client = new VaultHttpClient(harness.Emulator.Address, vaultNamespace: null, new SocketsHttpHandler(), disposeHandler: true);
        VaultSecretMapping[] mappings = [new("database/creds/app", "Creds", VaultSecretKind.Leased), new("secret/myapp/db", "Db", VaultSecretKind.KvV2)];
        using var reader = new VaultSecretReader(client, new VaultTokenManager(new StaticTokenAuth(token, "a test"), client, harness.Time), mappings, harness.Time, harness.Emulator.Address);
        var first = new SecretReadRequest(SecretSet.Empty, RefreshTriggers.Initial, [], NullLogger.Instance);

        var denied = await Assert.ThrowsAsync<VaultApiException>(() => reader.ReadAsync(first, CancellationToken.None));
        Assert.Contains("secret/data/myapp/db", denied.Message, StringComparison.Ordinal);
        harness.Emulator.SetPolicy("app", "database/creds/app", "secret/data/myapp/*", "secret/metadata/myapp/*");
        var set = await reader.ReadAsync(first, CancellationToken.None);

        Assert.Equal(1, harness.Count("GET", "database/creds/app"));
        var lease = Assert.Single(harness.Emulator.ActiveLeases);
        Assert.Equal(lease.Username, set["Creds:username"].Value);
        Assert.Equal("vault-pass-1", set["Db:password"].Value);
    }
}

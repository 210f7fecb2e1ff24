using SecretRotation.Testing;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>
/// A proxy or an old Vault answering 404 to <c>sys/internal/ui/mounts/...</c> says nothing about the path: the first read
/// decides (a lease means leased, a KV v2 mount's 404 means KV v2), and the decision is logged with its reason.
/// </summary>
public sealed class MountProbeFallbackTests
{
    private const int KindDecidedEvent = 212;

    [Fact]
    public async Task WhenTheMountProbeAnswers404DynamicCredentialsAreRenewedNotMintedAtEveryPoll()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        harness.Emulator.InjectFault(new VaultFault { PathPrefix = "sys/internal/ui/mounts", StatusCode = 404 });
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("database/creds/app", "Db"));
        var user = harness.Configuration["Db:username"];

        await harness.AdvanceInStepsAsync(TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(1));

        Assert.Equal(1, harness.Count("GET", "database/creds/app"));
        Assert.True(harness.Count("POST", "sys/leases/renew") >= 1, "the lease was not renewed");
        Assert.Equal(user, harness.Configuration["Db:username"]);
        Assert.Single(harness.Emulator.ActiveLeases);
        var decided = Assert.Single(harness.Logs.Entries, e => e.EventId.Id == KindDecidedEvent);
        Assert.Contains("Leased", decided.Message, StringComparison.Ordinal);
        Assert.Contains("404", decided.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheMountProbeAnswers404AKvV2PathIsStillPolledThroughItsMetadata()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["password"] = "vault-pass-1" });
        harness.Emulator.InjectFault(new VaultFault { PathPrefix = "sys/internal/ui/mounts", StatusCode = 404 });
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db"));
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);

        harness.Emulator.ClearRequests();
        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["password"] = "vault-pass-2" });
        await harness.AdvanceAsync(VaultHarness.Poll);
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(2, harness.Count("GET", "secret/metadata/myapp/db"));
        Assert.Equal(1, harness.Count("GET", "secret/data/myapp/db"));
        var decided = Assert.Single(harness.Logs.Entries, e => e.EventId.Id == KindDecidedEvent);
        Assert.Contains("KvV2", decided.Message, StringComparison.Ordinal);
    }
}

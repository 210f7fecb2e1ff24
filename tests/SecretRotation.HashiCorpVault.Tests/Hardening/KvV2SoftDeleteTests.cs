namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>
/// <c>vault kv delete</c> soft-deletes the current version without moving <c>current_version</c>: only the metadata's
/// <c>versions</c> map says it is gone. Its keys must drop out (one reload), and come back on undelete or a new version.
/// </summary>
public sealed class KvV2SoftDeleteTests
{
    private static readonly Dictionary<string, object?> DbV1 = new() { ["username"] = "app", ["password"] = "vault-pass-1" };

    [Fact]
    public async Task ASoftDeletedCurrentVersionDropsItsKeysAndUndeleteBringsThemBack()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db"));
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);

        harness.Emulator.DeleteKvVersions("secret/myapp/db");
        await harness.AdvanceAsync(VaultHarness.Poll);
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Null(harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Reloads);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 207);

        harness.Emulator.UndeleteKvVersions("secret/myapp/db");
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.Equal(2, harness.Reloads);
    }

    [Fact]
    public async Task ADestroyedCurrentVersionDropsItsKeysAndANewVersionBringsThemBack()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db"));

        harness.Emulator.DestroyKvVersions("secret/myapp/db", 1);
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Null(harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Reloads);

        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(2, harness.Reloads);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }
}

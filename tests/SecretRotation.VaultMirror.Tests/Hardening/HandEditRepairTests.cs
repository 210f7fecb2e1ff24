using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Tests.Hardening;

/// <summary>Key Vault is the source of truth: a value changed by hand in Vault is written back, once, and counted as a repair.</summary>
public sealed class HandEditRepairTests
{
    [Fact]
    public async Task AHandEditedValueIsRestoredWithOneWriteAndReportedAsOneRepair()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "from-key-vault");
        harness.KeyVault.SetSecret("api", "untouched");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);
        await harness.SettleAsync(reconciler);
        using var repairs = RepairCounter.Listen(harness);

        // As `vault kv put secret/mirror/db value=hand-edited` does: a new version, custom_metadata untouched.
        harness.Vault.WriteKv("secret/mirror/db", new Dictionary<string, object?> { ["value"] = "hand-edited" });
        harness.Vault.ClearRequests();
        harness.KeyVault.ClearRequests();
        var repaired = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.True(repaired.Succeeded);
        Assert.Equal("from-key-vault", harness.MirroredValue("db"));
        Assert.Equal("untouched", harness.MirroredValue("api"));
        Assert.Equal(1, harness.VaultDataWrites);
        Assert.Equal(1, harness.Vault.CountRequests("POST", "secret/data/mirror/db"));
        Assert.Equal(1, repairs.Total);
        var log = Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 416);
        Assert.DoesNotContain("hand-edited", log.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("from-key-vault", harness.Logs.AllText(), StringComparison.Ordinal);

        harness.Vault.ClearRequests();
        var again = await reconciler.ReconcileAllAsync(CancellationToken.None);
        var afterRestart = await harness.CreateReconciler().ReconcileAllAsync(CancellationToken.None);

        Assert.True(again.Succeeded);
        Assert.True(afterRestart.Succeeded);
        Assert.Equal(0, harness.VaultDataWrites);
        Assert.Equal(1, repairs.Total);
        Assert.Equal("from-key-vault", harness.MirroredValue("db"));
    }

    [Fact]
    public async Task AnEventForTheMirroredVersionStillRepairsAHandEdit()
    {
        await using var harness = await MirrorHarness.StartAsync();
        var version = harness.KeyVault.SetSecret("db", "from-key-vault");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);
        harness.Vault.WriteKv("secret/mirror/db", new Dictionary<string, object?> { ["value"] = "hand-edited" });

        var outcome = await reconciler.ReconcileSecretAsync("db", version, CancellationToken.None);

        Assert.Equal("from-key-vault", harness.MirroredValue("db"));
        Assert.Equal(2, harness.VaultDataWrites);
        Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 416);
        Assert.NotEqual(MirrorOutcome.Skipped, outcome);
    }

    [Fact]
    public async Task AHandEditRacingTheRepairIsNotOverwritten()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "from-key-vault");
        await harness.CreateReconciler().ReconcileAllAsync(CancellationToken.None);
        harness.Vault.WriteKv("secret/mirror/db", new Dictionary<string, object?> { ["value"] = "first edit" });

        using var handler = new InterceptingHandler();
        var interfered = false;
        handler.BeforeSend = request =>
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/secret/data/mirror/db", StringComparison.Ordinal) && !interfered)
            {
                interfered = true;
                harness.Vault.WriteKv("secret/mirror/db", new Dictionary<string, object?> { ["value"] = "second edit" });
            }
        };
        var result = await harness.CreateReconciler(handler).ReconcileAllAsync(CancellationToken.None);

        Assert.True(interfered);
        Assert.Equal(1, result.Failed);
        Assert.Equal("second edit", harness.MirroredValue("db"));
    }

    [Fact]
    public async Task AHandDeletedCurrentVersionIsWrittenBack()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "from-key-vault");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);
        await harness.SettleAsync(reconciler);

        harness.Vault.DeleteKvVersions("secret/mirror/db", 1);
        var result = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Mirrored);
        Assert.Equal("from-key-vault", harness.MirroredValue("db"));
        Assert.Equal(2, (await harness.ReadStateAsync("db")).CurrentVersion);
    }
}

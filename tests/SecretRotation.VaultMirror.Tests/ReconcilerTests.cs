using SecretRotation.Testing;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Tests;

public sealed class ReconcilerTests
{
    [Fact]
    public async Task InitialPassMirrorsEverySecretWithItsKeyVaultVersionInCustomMetadata()
    {
        await using var harness = await MirrorHarness.StartAsync();
        var versions = new Dictionary<string, string>();
        for (var i = 0; i < 30; i++)
        {
            versions[$"app-secret-{i}"] = harness.KeyVault.SetSecret($"app-secret-{i}", $"value-{i}");
        }

        var reconciler = harness.CreateReconciler();
        var result = await reconciler.ReconcileAllAsync(CancellationToken.None);
        Assert.Null((await harness.ReadStateAsync("app-secret-0")).KeyVaultUpdated);
        var settled = await harness.SettleAsync(reconciler);

        Assert.True(result.Succeeded);
        Assert.Equal(30, result.Mirrored);
        Assert.Equal(0, settled.Mirrored);
        Assert.Equal(30, harness.VaultDataWrites);
        foreach (var (name, version) in versions)
        {
            Assert.Equal($"value-{name["app-secret-".Length..]}", harness.MirroredValue(name));
            var state = await harness.ReadStateAsync(name);
            Assert.Equal(version, state.KeyVaultVersion);
            Assert.NotNull(state.KeyVaultUpdated);
            Assert.Equal(VaultSecretState.MirroredByValue, state.CustomMetadata[VaultSecretState.MirroredByKey]);
        }

        Assert.DoesNotContain("value-1", harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotationIsMirroredOnceWithOneKeyVaultGetAndOneVaultWrite()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "old");
        harness.KeyVault.SetSecret("api", "unchanged");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);
        await harness.SettleAsync(reconciler);
        harness.KeyVault.ClearRequests();
        harness.Vault.ClearRequests();

        var version = harness.KeyVault.SetSecret("db", "new");
        var result = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.Equal(1, result.Mirrored);
        Assert.Equal(1, harness.KeyVaultGets);
        Assert.Equal(1, harness.KeyVault.CountRequests(KeyVaultOperation.GetSecret, "db"));
        Assert.Equal(1, harness.VaultDataWrites);
        Assert.Equal("new", harness.MirroredValue("db"));
        Assert.Equal(version, (await harness.ReadStateAsync("db")).KeyVaultVersion);
        var again = await harness.SettleAsync(reconciler);
        var settledAgain = await reconciler.ReconcileAllAsync(CancellationToken.None);
        Assert.Equal(0, again.Mirrored + settledAgain.Mirrored);
        Assert.Equal(1, harness.VaultDataWrites);
    }

    [Fact]
    public async Task SecondRotationWithinTheSameSecondIsNotMissed()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "first");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);

        // Same clock second: Key Vault's updated does not change, the version does.
        harness.KeyVault.SetSecret("db", "second");
        var result = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.Equal(1, result.Mirrored);
        Assert.Equal("second", harness.MirroredValue("db"));
    }

    [Fact]
    public async Task RestartedMirrorRewritesNothing()
    {
        await using var harness = await MirrorHarness.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            harness.KeyVault.SetSecret($"s{i}", $"v{i}");
        }

        var first = harness.CreateReconciler();
        await first.ReconcileAllAsync(CancellationToken.None);
        await harness.SettleAsync(first);
        harness.Time.Advance(TimeSpan.FromMinutes(5));
        harness.KeyVault.ClearRequests();
        harness.Vault.ClearRequests();

        var result = await harness.CreateReconciler().ReconcileAllAsync(CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.Mirrored);
        Assert.Equal(10, result.Skipped);
        Assert.Equal(0, harness.VaultDataWrites);
        Assert.Equal(0, harness.Vault.CountRequests("POST", "secret/metadata/mirror"));
        Assert.Equal(0, harness.KeyVaultGets);
    }

    [Fact]
    public async Task VaultOutageLosesNothingAndTheNextPassConverges()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "v1");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);

        harness.Vault.Sealed = true;
        harness.KeyVault.SetSecret("db", "v2");
        harness.KeyVault.SetSecret("cache", "c1");
        var during = await reconciler.ReconcileAllAsync(CancellationToken.None);
        harness.Vault.Sealed = false;
        var after = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.False(during.Succeeded);
        Assert.Equal(2, during.Failed);
        Assert.True(after.Succeeded);
        Assert.Equal(2, after.Mirrored);
        Assert.Equal("v2", harness.MirroredValue("db"));
        Assert.Equal("c1", harness.MirroredValue("cache"));
    }

    [Fact]
    public async Task KeyVaultOutageFailsThePassAndTheNextPassConverges()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "v1");
        var reconciler = harness.CreateReconciler();
        harness.KeyVault.InjectFault(new KeyVaultFault { StatusCode = 503 });

        var during = await reconciler.ReconcileAllAsync(CancellationToken.None);
        var valueDuring = harness.MirroredValue("db");
        harness.KeyVault.ClearFaults();
        var after = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.True(during.ListingFailed);
        Assert.Null(valueDuring);
        Assert.True(after.Succeeded);
        Assert.Equal("v1", harness.MirroredValue("db"));
    }

    [Fact]
    public async Task ConcurrentForeignWriteIsReportedAndNeverOverwritten()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "v1");
        await harness.CreateReconciler().ReconcileAllAsync(CancellationToken.None);
        harness.KeyVault.SetSecret("db", "v2");

        using var handler = new InterceptingHandler();
        var interfered = false;
        handler.BeforeSend = request =>
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/secret/data/mirror/db", StringComparison.Ordinal) && !interfered)
            {
                interfered = true;
                harness.Vault.WriteKv("secret/mirror/db", new Dictionary<string, object?> { ["value"] = "someone else" });
            }
        };
        var reconciler = harness.CreateReconciler(handler);
        var result = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.True(interfered);
        Assert.Equal(1, result.Failed);
        Assert.Equal(0, result.Mirrored);
        Assert.Equal("someone else", harness.MirroredValue("db"));
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 404);
    }

    [Fact]
    public async Task ConcurrentWriteOfTheSameVersionByAnotherMirrorCountsAsDone()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "v1");
        await harness.CreateReconciler().ReconcileAllAsync(CancellationToken.None);
        harness.KeyVault.SetSecret("db", "v2");

        // The other replica completes the whole mirror (data, then custom_metadata) just before this one writes.
        using var handler = new InterceptingHandler();
        var other = harness.CreateReconciler();
        var interfered = false;
        handler.BeforeSend = request =>
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/secret/data/mirror/db", StringComparison.Ordinal) && !interfered)
            {
                interfered = true;
                Task.Run(() => other.ReconcileAllAsync(CancellationToken.None)).GetAwaiter().GetResult();
            }
        };
        var result = await harness.CreateReconciler(handler).ReconcileAllAsync(CancellationToken.None);

        Assert.True(interfered);
        Assert.True(result.Succeeded);
        Assert.Equal(0, result.Mirrored);
        Assert.Equal("v2", harness.MirroredValue("db"));
        Assert.Equal(2, (await harness.ReadStateAsync("db")).CurrentVersion);
    }

    [Fact]
    public async Task DisabledSecretIsKeptInVaultByDefault()
    {
        await using var harness = await MirrorHarness.StartAsync();
        var version = harness.KeyVault.SetSecret("db", "v1");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);
        harness.KeyVault.UpdateSecret("db", version, enabled: false);
        harness.Vault.ClearRequests();

        var first = await reconciler.ReconcileAllAsync(CancellationToken.None);
        var second = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.True(first.Succeeded);
        Assert.Equal("v1", harness.MirroredValue("db"));
        Assert.Equal(0, harness.VaultDataWrites);
        Assert.Equal(0, harness.Vault.CountRequests("DELETE", "secret/data/mirror"));
        Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 402);
        Assert.True(second.Succeeded);
    }

    [Fact]
    public async Task DisabledExpiredAndDeletedSecretsAreSoftDeletedWithTheDeletePolicy()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.Options.DeletePolicy = DeletePolicy.Delete;
        var disabled = harness.KeyVault.SetSecret("disabled", "d");
        harness.KeyVault.SetSecret("expiring", "e", expiresOn: harness.Time.GetUtcNow().AddHours(1));
        harness.KeyVault.SetSecret("deleted", "x");
        harness.KeyVault.SetSecret("kept", "k");
        var reconciler = harness.CreateReconciler();
        await reconciler.ReconcileAllAsync(CancellationToken.None);

        harness.KeyVault.UpdateSecret("disabled", disabled, enabled: false);
        harness.KeyVault.DeleteSecret("deleted");
        harness.Time.Advance(TimeSpan.FromHours(2));
        var result = await reconciler.ReconcileAllAsync(CancellationToken.None);
        var again = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.Equal(3, result.Removed);
        Assert.Equal(0, again.Removed);
        Assert.Null(harness.MirroredValue("disabled"));
        Assert.Null(harness.MirroredValue("expiring"));
        Assert.Null(harness.MirroredValue("deleted"));
        Assert.Equal("k", harness.MirroredValue("kept"));
        Assert.Equal(3, harness.Vault.CountRequests("DELETE", "secret/data/mirror"));
    }

    [Fact]
    public async Task TheDeletePolicyLeavesSecretsTheMirrorDidNotWrite()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.Options.DeletePolicy = DeletePolicy.Delete;
        harness.KeyVault.SetSecret("kept", "k");
        harness.Vault.WriteKv("secret/mirror/hand-written", new Dictionary<string, object?> { ["value"] = "someone else's" });
        var reconciler = harness.CreateReconciler();

        var result = await reconciler.ReconcileAllAsync(CancellationToken.None);

        Assert.Equal(0, result.Removed);
        Assert.Equal("someone else's", harness.MirroredValue("hand-written"));
        Assert.Equal(0, harness.Vault.CountRequests("DELETE", "secret/data/mirror"));
    }

    [Fact]
    public async Task PrefixAndNamesLimitWhatIsMirrored()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.Options.Prefix = "app-";
        harness.KeyVault.SetSecret("app-db", "1");
        harness.KeyVault.SetSecret("other", "2");

        await harness.CreateReconciler().ReconcileAllAsync(CancellationToken.None);

        Assert.Equal("1", harness.MirroredValue("app-db"));
        Assert.Null(harness.MirroredValue("other"));
    }

    [Fact]
    public async Task DuplicateAndStaleSecretNoticesWriteNothing()
    {
        await using var harness = await MirrorHarness.StartAsync();
        var v1 = harness.KeyVault.SetSecret("db", "v1");
        var v2 = harness.KeyVault.SetSecret("db", "v2");
        var reconciler = harness.CreateReconciler();

        Assert.Equal(MirrorOutcome.Mirrored, await reconciler.ReconcileSecretAsync("db", v2, CancellationToken.None));
        harness.KeyVault.ClearRequests();
        harness.Vault.ClearRequests();
        Assert.Equal(MirrorOutcome.Skipped, await reconciler.ReconcileSecretAsync("db", v2, CancellationToken.None));
        Assert.Equal(0, harness.KeyVaultGets);
        Assert.Equal(MirrorOutcome.Skipped, await reconciler.ReconcileSecretAsync("db", v1, CancellationToken.None));
        Assert.Equal(1, harness.KeyVaultGets);
        Assert.Equal(0, harness.VaultDataWrites);
        Assert.Equal("v2", harness.MirroredValue("db"));
    }
}

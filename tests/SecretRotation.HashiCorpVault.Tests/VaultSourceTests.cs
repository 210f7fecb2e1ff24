using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;

namespace SecretRotation.HashiCorpVault.Tests;

/// <summary>Our Vault client against the Vault emulator over HTTP, on a fake clock shared by both.</summary>
public sealed class VaultSourceTests
{
    private static readonly Dictionary<string, object?> DbV1 = new() { ["username"] = "app", ["password"] = "vault-pass-1" };

    [Fact]
    public async Task ATokenReadsAKvV2SecretIntoItsSection()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>
        {
            ["username"] = "app",
            ["password"] = "vault-pass-1",
            ["pool"] = new Dictionary<string, object?> { ["max"] = 10 },
        });

        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db"));

        Assert.Equal("app", harness.Configuration["Db:username"]);
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.Equal("10", harness.Configuration["Db:pool:max"]);
    }

    [Fact]
    public async Task KubernetesAuthLogsInWithTheServiceAccountJwtAndLogsInAgainWhenTheTokenNearsItsMaxTtl()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.SetPolicy("myapp", "secret/data/myapp/*", "secret/metadata/myapp/*");
        harness.Emulator.AddKubernetesRole("myapp", "service-account-jwt-1", TimeSpan.FromHours(1), TimeSpan.FromHours(3), ["myapp"]);
        var jwt = harness.WriteFile("token", "service-account-jwt-1");

        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db"));
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Count("POST", "auth/kubernetes/login"));

        File.WriteAllText(jwt, "service-account-jwt-1"); // the kubelet rewrites it; the same identity
        await harness.AdvanceInStepsAsync(TimeSpan.FromHours(4), TimeSpan.FromMinutes(5));

        Assert.True(harness.Count("POST", "auth/token/renew-self") >= 2, "the token was never renewed");
        Assert.True(harness.Count("POST", "auth/kubernetes/login") >= 2, "no new login before the max TTL");
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
    }

    [Fact]
    public async Task AppRoleLogsInWithASecretIdFromAFile()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.SetPolicy("myapp", "secret/data/myapp/*", "secret/metadata/myapp/*");
        harness.Emulator.AddAppRole("myapp", "role-id-1", "secret-id-1", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["myapp"]);
        var secretId = harness.WriteFile("secret-id", "secret-id-1\n");

        harness.Build(o => o.UseAppRole("role-id-1", secretIdFile: secretId).Map("secret/myapp/db", "Db"));

        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Count("POST", "auth/approle/login"));
    }

    [Fact]
    public async Task ATokenFileIsReadAgainWhenVaultAgentReplacesIt()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        var first = harness.Emulator.CreateToken(TimeSpan.FromHours(1));
        var sink = harness.WriteFile("sink", first);
        harness.Build(o => o.UseTokenFile(sink).Map("secret/myapp/db", "Db"));

        var second = harness.Emulator.CreateToken(TimeSpan.FromHours(1));
        File.WriteAllText(sink, second);
        File.SetLastWriteTimeUtc(sink, DateTime.UtcNow.AddMinutes(1));
        harness.Emulator.RevokeToken(first);
        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task AKvV1SecretWithATtlIsSeenWithinItsTtl()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.MountKv("kv1", 1);
        harness.Emulator.WriteKv("kv1/myapp/config", new Dictionary<string, object?> { ["username"] = "appuser", ["password"] = "ttl-pass-1", ["ttl"] = "30s" });
        harness.Build(o =>
        {
            o.UseToken(harness.Emulator.RootToken).Map("kv1/myapp/config", "App");
            o.PollInterval = TimeSpan.FromHours(1);
        });

        harness.Emulator.WriteKv("kv1/myapp/config", new Dictionary<string, object?> { ["username"] = "appuser", ["password"] = "ttl-pass-2", ["ttl"] = "30s" });
        await harness.AdvanceInStepsAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));

        Assert.Equal("ttl-pass-2", harness.Configuration["App:password"]);
        Assert.Equal(1, harness.Reloads);
        var reads = harness.Count("GET", "kv1/myapp/config");
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task AKvV2VersionChangeIsReadOnceAndPollsOtherwiseReadOnlyMetadata()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db"));
        harness.Emulator.ClearRequests();

        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        for (var i = 0; i < 12; i++)
        {
            await harness.AdvanceAsync(VaultHarness.Poll);
        }

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Reloads);
        Assert.Equal(12, harness.Count("GET", "secret/metadata/myapp/db"));
        Assert.Equal(1, harness.Count("GET", "secret/data/myapp/db"));
    }

    [Fact]
    public async Task ADynamicLeaseIsRenewedUntilItsMaxTtlThenReadAgainWithExactlyOneChange()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(3));
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("database/creds/app", "Db"));
        var firstUser = harness.Configuration["Db:username"];
        Assert.NotNull(firstUser);
        var issued = harness.Time.GetUtcNow();

        await harness.AdvanceInStepsAsync(TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        Assert.Equal(2, harness.Count("GET", "database/creds/app"));
        Assert.True(harness.Count("POST", "sys/leases/renew") >= 2, "the lease was not renewed");
        Assert.Equal(1, harness.Reloads);
        Assert.NotEqual(firstUser, harness.Configuration["Db:username"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.All(harness.Emulator.ActiveLeases, lease => Assert.True(lease.ExpireTime > harness.Time.GetUtcNow()));
        Assert.True(harness.Time.GetUtcNow() < issued + TimeSpan.FromHours(3));
    }

    [Fact]
    public async Task LeasesAreReadAgainUnderANewLoginBeforeTheOldTokenTakesThemAlong()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(2), ["root"]);
        var jwt = harness.WriteFile("token", "jwt");
        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("database/creds/app", "Db"));

        for (var step = 0; step < 36; step++)
        {
            await harness.AdvanceAsync(TimeSpan.FromMinutes(5));
            var user = harness.Configuration["Db:username"];
            Assert.Contains(harness.Emulator.ActiveLeases, lease => lease.Username == user);
        }

        Assert.True(harness.Count("POST", "auth/kubernetes/login") >= 2, "no new login happened");
        Assert.True(harness.Count("GET", "database/creds/app") >= 2, "the lease was not read again after the new login");
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task AManualRefreshDoesNotMintNewDynamicCredentials()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(3));
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("database/creds/app", "Db"));

        await harness.Refresher.RefreshAsync();
        await harness.Refresher.RefreshAsync();

        Assert.Equal(1, harness.Count("GET", "database/creds/app"));
        Assert.Equal(0, harness.Reloads);
    }

    [Fact]
    public async Task ASealedVaultKeepsTheLastGoodDataAndTheSourceRecovers()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db"));

        harness.Emulator.Sealed = true;
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Contains("503", harness.Refresher.Status.LastError, StringComparison.Ordinal);

        harness.Emulator.Sealed = false;
        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        await harness.AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task ARateLimit429WithRetryAfterHoldsTheNextTryUntilThen()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db", VaultSecretKind.KvV2));
        harness.Emulator.InjectFault(new VaultFault { PathPrefix = "secret/metadata/myapp/db", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(60), Count = 1 });

        await harness.AdvanceAsync(VaultHarness.Poll);
        var refused = harness.Count("GET", "secret/metadata/myapp/db");
        Assert.Equal(1, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Contains("429", harness.Refresher.Status.LastError, StringComparison.Ordinal);

        // The engine's own backoff would retry after about 1 s; Vault asked for 60 s.
        await harness.AdvanceInStepsAsync(TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(1));
        Assert.Equal(refused, harness.Count("GET", "secret/metadata/myapp/db"));

        await harness.AdvanceInStepsAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        Assert.Equal(refused + 1, harness.Count("GET", "secret/metadata/myapp/db"));
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
    }

    [Fact]
    public async Task APermissionDeniedAtStartUpThrowsNamingThePath()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/otherapp/db", DbV1);
        harness.Emulator.SetPolicy("myapp", "secret/data/myapp/*");
        var token = harness.Emulator.CreateToken(TimeSpan.FromHours(1), policies: ["myapp"]);

        var exception = Assert.Throws<SecretSourceException>(() =>
            harness.Build(o => o.UseToken(token).Map("secret/otherapp/db", "Db", VaultSecretKind.KvV2)));

        Assert.Contains("403", exception.Message, StringComparison.Ordinal);
        Assert.Contains("secret/data/otherapp/db", exception.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForbiddenReadUnderAValidTokenFailsWithoutANewLoginAndIsRetried()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(3), ["root"]);
        var jwt = harness.WriteFile("token", "jwt");
        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db"));

        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        harness.Emulator.InjectFault(new VaultFault { PathPrefix = "secret/data/myapp/db", StatusCode = 403, Count = 1, Errors = ["1 error occurred:\n\t* permission denied\n\n"] });
        await harness.AdvanceAsync(VaultHarness.Poll);

        // lookup-self vouches for the token, so the 403 is the policy's: this read fails, and no new login is made.
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Equal(1, harness.Count("GET", "auth/token/lookup-self"));

        await harness.AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Count("POST", "auth/kubernetes/login"));
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task ARefusedMetadataProbeNeitherLogsInAgainNorMintsNewCredentials()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        harness.Emulator.SetPolicy("no-metadata", "secret/data/myapp/*", "database/creds/app", "sys/internal/ui/mounts/*");
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["no-metadata"]);
        var jwt = harness.WriteFile("token", "jwt");
        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db").Map("database/creds/app", "Creds"));
        var user = harness.Configuration["Creds:username"];

        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        await harness.AdvanceAsync(VaultHarness.Poll);
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(1, harness.Count("POST", "auth/kubernetes/login"));
        Assert.Equal(1, harness.Count("GET", "database/creds/app"));
        Assert.Equal(user, harness.Configuration["Creds:username"]);
    }

    [Fact]
    public async Task ADeletedOrDestroyedLatestVersionMakesTheKeysDropOut()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.WriteKv("secret/myapp/api", new Dictionary<string, object?> { ["key"] = "api-key-1" });
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/myapp/db", "Db").Map("secret/myapp/api", "Api"));

        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        harness.Emulator.DeleteKvVersions("secret/myapp/db");
        harness.Emulator.WriteKv("secret/myapp/api", new Dictionary<string, object?> { ["key"] = "api-key-2" });
        harness.Emulator.DestroyKvVersions("secret/myapp/api", 2);
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Null(harness.Configuration["Db:password"]);
        Assert.Null(harness.Configuration["Api:key"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 207);
    }

    [Fact]
    public async Task NoSecretValueOrTokenAppearsInLogsOrExceptions()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        harness.Emulator.AddKubernetesRole("myapp", "jwt-canary-value", TimeSpan.FromMinutes(20), TimeSpan.FromHours(1), ["root"]);
        var jwt = harness.WriteFile("token", "jwt-canary-value");
        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db").Map("database/creds/app", "Creds"));
        await harness.AdvanceInStepsAsync(TimeSpan.FromMinutes(90), TimeSpan.FromMinutes(5));
        harness.Emulator.Sealed = true;
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => harness.Refresher.RefreshAsync());
        harness.Emulator.Sealed = false;

        var values = harness.Configuration.AsEnumerable().Where(pair => pair.Value is { Length: > 3 }).Select(pair => pair.Value!).ToList();
        values.Add("jwt-canary-value");
        values.AddRange(harness.Emulator.ActiveLeases.Select(lease => lease.LeaseId));
        var everything = string.Join('\n', harness.Logs.AllText(), failure.ToString(), harness.Refresher.Status.ToString());
        Assert.NotEmpty(harness.Logs.Entries);
        foreach (var value in values.Where(v => v != "app"))
        {
            Assert.DoesNotContain(value, everything, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("hvs.", everything, StringComparison.Ordinal);
    }
}

using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AzureKeyVault.Tests;

/// <summary>The real SecretClient over HTTPS against the emulator, on a fake clock shared by the vault and the engine.</summary>
public sealed class KeyVaultSourceTests
{
    [Fact]
    public async Task AVaultOfMoreThanOnePageIsLoadedWhole()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 60; i++)
        {
            harness.Emulator.SetSecret($"secret-{i:D2}", $"value-{i}");
        }

        harness.Build();

        Assert.Equal(60, harness.Configuration.AsEnumerable().Count(pair => pair.Value is not null));
        Assert.Equal("value-59", harness.Configuration["secret-59"]);
        Assert.Equal(3, harness.Lists());
        Assert.Equal(60, harness.Gets());
    }

    [Fact]
    public async Task ARotationAmongAHundredSecretsCostsTheListPagesAndOneGet()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 100; i++)
        {
            harness.Emulator.SetSecret($"secret-{i:D3}", $"value-{i}");
        }

        harness.Build();
        await harness.PollAsync(); // re-reads the secrets fetched in the second they were written (see SettleTime)
        await harness.PollAsync();
        harness.Emulator.ClearRequests();

        harness.Emulator.SetSecret("secret-042", "rotated");
        await harness.PollAsync();

        Assert.Equal("rotated", harness.Configuration["secret-042"]);
        Assert.Equal(4, harness.Lists());
        Assert.Equal(1, harness.Gets());
        Assert.Equal(1, harness.Gets("secret-042"));
        Assert.Equal(1, harness.Reloads);

        harness.Emulator.ClearRequests();
        await harness.PollAsync();
        await harness.PollAsync();
        Assert.Equal(8, harness.Lists());
        Assert.Equal(0, harness.Gets()); // nothing changed: a poll is the list pages alone
        Assert.Equal(1, harness.Reloads);
    }

    [Fact]
    public async Task ASecondRotationInTheSameSecondAsTheFetchIsNotMissed()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "v1");

        // The safety re-read comes with the next poll. With push (a delivered notice stretches the poll to 1 h), the second
        // version's own event brings it instead; this test is about the poll.
        harness.Build(s => s.PushCoveredPollInterval = null);
        await harness.PollAsync();

        harness.Emulator.SetSecret("db-password", "v2");
        await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, "db-password"));
        harness.Emulator.SetSecret("db-password", "v3"); // same second: the list shows the same 'updated' as v2
        await harness.PollAsync();

        Assert.Equal("v3", harness.Configuration["db-password"]);
    }

    [Fact]
    public async Task NamedModeNeverListsTheVault()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-user", "app");
        harness.Emulator.SetSecret("db-password", "p1");
        harness.Emulator.SetSecret("unrelated", "x");
        harness.Emulator.DenyPermission(KeyVaultSecretAccess.List);

        harness.Build(s => s.SecretNames = ["db-user", "db-password"]);
        harness.Emulator.SetSecret("db-password", "p2");
        await harness.PollAsync();

        Assert.Equal("p2", harness.Configuration["db-password"]);
        Assert.Equal("app", harness.Configuration["db-user"]);
        Assert.Null(harness.Configuration["unrelated"]);
        Assert.Equal(0, harness.Lists());
        Assert.Equal(4, harness.Gets());
    }

    [Fact]
    public async Task NamesMapDoubleDashToSectionsAndAPrefixFiltersAndIsStripped()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("myapp--Db--Password", "p");
        harness.Emulator.SetSecret("myapp--ApiKey", "k");
        harness.Emulator.SetSecret("otherapp--Db--Password", "not mine");

        harness.Build(s => s.Prefix = "myapp--");

        Assert.Equal("p", harness.Configuration["Db:Password"]);
        Assert.Equal("k", harness.Configuration["ApiKey"]);
        Assert.Equal(2, harness.Configuration.AsEnumerable().Count(pair => pair.Value is not null));
        Assert.Equal(2, harness.Gets());
    }

    [Fact]
    public async Task ACustomMapperChoosesSecretsAndKeys()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("Db-Password", "p", tags: new Dictionary<string, string> { ["app"] = "billing" });
        harness.Emulator.SetSecret("Other", "o");

        harness.Build(s => s.Mapper = new TaggedMapper());

        Assert.Equal("p", harness.Configuration["Db:Password"]);
        Assert.Null(harness.Configuration["Other"]);
    }

    [Fact]
    public async Task WhenTwoSecretsMapToOneKeyTheMostRecentlyUpdatedWins()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("Db--Password", "older");
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        harness.Emulator.SetSecret("Db-Password", "newer");
        harness.Time.Advance(TimeSpan.FromSeconds(5));

        harness.Build(s => s.Mapper = new DashMapper());

        Assert.Equal("newer", harness.Configuration["Db:Password"]);
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 102);

        harness.Emulator.SetSecret("Db--Password", "newest");
        await harness.PollAsync();
        Assert.Equal("newest", harness.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task DisabledNotYetValidAndExpiredSecretsAreLeftOutAndTheirTimesScheduleReads()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        var now = harness.Time.GetUtcNow();
        harness.Emulator.SetSecret("current", "c", expiresOn: now + TimeSpan.FromMinutes(2));
        harness.Emulator.SetSecret("future", "f", notBefore: now + TimeSpan.FromMinutes(1));
        harness.Emulator.SetSecret("expired", "e", expiresOn: now - TimeSpan.FromMinutes(1));
        harness.Emulator.SetSecret("disabled", "d", enabled: false);

        harness.Build(s => s.PollInterval = TimeSpan.FromHours(1));

        Assert.Equal("c", harness.Configuration["current"]);
        Assert.Null(harness.Configuration["future"]);
        Assert.Null(harness.Configuration["expired"]);
        Assert.Null(harness.Configuration["disabled"]);
        Assert.Equal(1, harness.Gets());

        await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("f", harness.Configuration["future"]);

        await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Null(harness.Configuration["current"]);
        Assert.Equal(2, harness.Reloads);
    }

    [Fact]
    public async Task ASecretNearItsExpiryIsReportedForHealthChecks()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("cert-password", "p", expiresOn: harness.Time.GetUtcNow() + TimeSpan.FromDays(7));
        harness.Emulator.SetSecret("long-lived", "l", expiresOn: harness.Time.GetUtcNow() + TimeSpan.FromDays(365));

        harness.Build();

        Assert.Equal(["cert-password"], harness.Refresher.Status.KeysNearExpiry);
        Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 8);
    }

    [Fact]
    public async Task ADeniedListAtStartUpThrowsNamingTheVaultAndThePermission()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "start-up-secret-value");
        harness.Emulator.DenyPermission(KeyVaultSecretAccess.List);

        var exception = Assert.Throws<SecretSourceException>(() => harness.Build());

        Assert.Contains(harness.Emulator.VaultUri.Authority, exception.Message, StringComparison.Ordinal);
        Assert.Contains("403", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'List'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("SecretNames", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("start-up-secret-value", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeniedGetAtStartUpThrowsNamingTheSecretAndThePermission()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "p");
        harness.Emulator.DenyPermission(KeyVaultSecretAccess.Get, "db-password");

        var exception = Assert.Throws<SecretSourceException>(() => harness.Build(s => s.SecretNames = ["db-password"]));

        Assert.Contains("get secret 'db-password'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'Get'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedGetStopsTheRestOfTheFetchesAndIsTheErrorReported()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 100; i++)
        {
            harness.Emulator.SetSecret($"secret-{i:D3}", "v");
        }

        harness.Emulator.DenyPermission(KeyVaultSecretAccess.Get);

        var exception = Assert.Throws<SecretSourceException>(() => harness.Build());

        Assert.Contains("'Get'", exception.Message, StringComparison.Ordinal);
        Assert.True(harness.Gets() < 100, $"all {harness.Gets()} GETs were sent after the first was refused");
    }

    [Fact]
    public async Task A429WithRetryAfterIsRetriedByTheSdk()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "p");
        harness.Emulator.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/db-password", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1), Count = 1 });

        harness.Build();

        Assert.Equal("p", harness.Configuration["db-password"]);
        var gets = harness.Emulator.Requests.Where(r => r.Operation == KeyVaultOperation.GetSecret && r.IsAuthenticated).Select(r => r.StatusCode).ToArray();
        Assert.Equal([429, 200], gets);
    }

    [Fact]
    public async Task AnOutageKeepsTheLastGoodDataAndTheSourceRecovers()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "before");
        harness.Build();
        harness.Emulator.InjectFault(new KeyVaultFault { StatusCode = 503 });

        await harness.PollAsync();

        Assert.Equal("before", harness.Configuration["db-password"]);
        Assert.Equal(1, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 3);

        harness.Emulator.ClearFaults();
        harness.Emulator.SetSecret("db-password", "after");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(2)); // the first retry, 1 s ± 20 %
        Assert.Equal("after", harness.Configuration["db-password"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("get")]
    public async Task ARotationThatLandsWhileAPollFailsReachesOnChangeOnTheNextPollWhichFetchesOnlyWhatChanged(string failing)
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            harness.Emulator.SetSecret($"secret-{i:D2}", $"value-{i}");
        }

        harness.Build(s => s.MaximumBackoff = TimeSpan.FromHours(1));
        await harness.PollAsync();
        await harness.PollAsync();

        harness.Emulator.SetSecret("secret-07", "rotated");
        harness.Emulator.InjectFault(failing == "list"
            ? new KeyVaultFault { PathPrefix = "/secrets", Method = "GET", StatusCode = 500, Count = 100 }
            : new KeyVaultFault { PathPrefix = "/secrets/secret-07", Method = "GET", StatusCode = 500, Count = 100 });
        await harness.PollAsync();
        Assert.Equal("value-7", harness.Configuration["secret-07"]);
        Assert.Equal(1, harness.Refresher.Status.ConsecutiveFailures);

        harness.Emulator.ClearFaults();
        harness.Emulator.ClearRequests();
        await harness.AdvanceAsync(TimeSpan.FromSeconds(2)); // the retry

        Assert.Equal("rotated", harness.Configuration["secret-07"]);
        Assert.Equal(1, harness.Reloads);
        Assert.Equal(2, harness.Lists());
        Assert.Equal(1, harness.Gets());
        Assert.Equal(1, harness.Gets("secret-07"));
    }

    [Fact]
    public async Task ASecretDeletedBetweenTheListAndTheGetDropsOutWithoutFailingTheRead()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("keep", "k");
        harness.Emulator.SetSecret("doomed", "d1");
        harness.Build();
        await harness.PollAsync();

        harness.Emulator.SetSecret("doomed", "d2");
        harness.Emulator.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/doomed", Method = "GET", StatusCode = 404, ErrorCode = "SecretNotFound", Count = 10 });
        await harness.PollAsync();

        Assert.Null(harness.Configuration["doomed"]);
        Assert.Equal("k", harness.Configuration["keep"]);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task ADeletedSecretDropsOut()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("keep", "k");
        harness.Emulator.SetSecret("gone", "g");
        harness.Build();

        harness.Emulator.DeleteSecret("gone");
        await harness.PollAsync();

        Assert.Null(harness.Configuration["gone"]);
        Assert.Equal("k", harness.Configuration["keep"]);
        Assert.Equal(1, harness.Reloads);
    }

    [Fact]
    public async Task APushNoticeFetchesOnlyTheNamedSecretAndAStaleOrDuplicateNoticeFetchesNothing()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        var v1 = harness.Emulator.SetSecret("db-password", "p1");
        harness.Emulator.SetSecret("db-user", "app");
        harness.Build();
        harness.Emulator.ClearRequests();
        var vault = harness.Emulator.VaultUri.Authority;

        var v2 = harness.Emulator.SetSecret("db-password", "p2");
        Assert.True(await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, vault, "db-password", v2)));
        Assert.Equal("p2", harness.Configuration["db-password"]);
        Assert.Equal(1, harness.Gets());
        Assert.Equal(0, harness.Lists());

        Assert.True(await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, vault, "db-password", v2)));
        Assert.True(await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, vault, "db-password", v1)));
        Assert.False(await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "othervault.vault.azure.net", "db-password", "abc")));
        Assert.False(await harness.Refresher.RefreshAsync(new SecretChangeNotice("HashiCorpVault", vault, "db-password", "abc")));

        Assert.Equal(1, harness.Gets());
        Assert.Equal(1, harness.Reloads);
        Assert.Equal("p2", harness.Configuration["db-password"]);
    }

    [Fact]
    public async Task ANoticeForAnIntermediateVersionFetchesOnceThenCountsAsPassed()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "p1");
        harness.Build();
        harness.Emulator.ClearRequests();
        var vault = harness.Emulator.VaultUri.Authority;

        var intermediate = harness.Emulator.SetSecret("db-password", "p2");
        harness.Emulator.SetSecret("db-password", "p3");
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, vault, "db-password", intermediate)));
        }

        Assert.Equal("p3", harness.Configuration["db-password"]);
        Assert.Equal(1, harness.Gets());
        Assert.Equal(1, harness.Reloads);
    }

    [Fact]
    public async Task JsonSecretsExpandIntoSectionsWhenAskedTo()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("Db", """{"User":"app","Password":"p"}""", contentType: "application/json");
        harness.Emulator.SetSecret("Broken", "{not json", contentType: "application/json");
        harness.Emulator.SetSecret("Plain", """{"a":1}""");

        harness.Build(s => s.ExpandJsonSecrets = true);

        Assert.Equal("app", harness.Configuration["Db:User"]);
        Assert.Equal("p", harness.Configuration["Db:Password"]);
        Assert.Equal("{not json", harness.Configuration["Broken"]);
        Assert.Equal("""{"a":1}""", harness.Configuration["Plain"]);
        Assert.DoesNotContain("not json", harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInitialLoadFetchesInParallel()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 32; i++)
        {
            harness.Emulator.SetSecret($"s{i}", "v");
        }

        harness.Emulator.Latency = TimeSpan.FromMilliseconds(200);
        var started = TimeProvider.System.GetTimestamp();
        harness.Build(s => s.MaxConcurrency = 16);
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        // Sequential would be 33 requests x 200 ms = 6.6 s; 16 at a time is about 3 round trips.
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"initial load took {elapsed}");
        Assert.Equal(32, harness.Gets());
    }

    [Fact]
    public async Task NoSecretValueAppearsInLogsOrExceptionsAcrossRotationsAndFailures()
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "kv-canary-1");
        harness.Emulator.SetSecret("cfg", """{"Password":"kv-canary-json"}""", contentType: "application/json");
        harness.Build(s => s.ExpandJsonSecrets = true);
        harness.Emulator.SetSecret("db-password", "kv-canary-2");
        await harness.PollAsync();
        harness.Emulator.InjectFault(new KeyVaultFault { StatusCode = 500 });
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => harness.Refresher.RefreshAsync());
        harness.Emulator.ClearFaults();
        harness.Emulator.DenyPermission(KeyVaultSecretAccess.Get);
        var denied = await Assert.ThrowsAsync<SecretSourceException>(() => harness.Refresher.RefreshAsync(
            new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, "db-password", "new")));

        var everything = string.Join('\n', harness.Logs.AllText(), failure.ToString(), denied.ToString(), harness.Refresher.Status.ToString());
        foreach (var secret in new[] { "kv-canary-1", "kv-canary-2", "kv-canary-json" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }

        Assert.Equal("kv-canary-2", harness.Configuration["db-password"]);
    }

    private sealed class TaggedMapper : KeyVaultSecretMapper
    {
        public override bool Include(SecretProperties properties) =>
            properties.Tags.TryGetValue("app", out var app) && app == "billing";

        public override string GetKey(SecretProperties properties) => properties.Name.Replace('-', ':');
    }

    /// <summary>Maps both <c>--</c> and <c>-</c> to <c>:</c>, so <c>Db--Password</c> and <c>Db-Password</c> collide.</summary>
    private sealed class DashMapper : KeyVaultSecretMapper
    {
        public override string GetKey(SecretProperties properties) =>
            properties.Name.Replace("--", ":", StringComparison.Ordinal).Replace("-", ":", StringComparison.Ordinal);
    }
}

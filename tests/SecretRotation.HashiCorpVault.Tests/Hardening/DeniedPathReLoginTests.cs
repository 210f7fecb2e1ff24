using SecretRotation.Testing;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>
/// A policy that stops allowing one path must cost that path's read, nothing more: no new login (a new token would re-read,
/// and so mint, every lease), no new credentials, and the lease the app holds keeps being renewed.
/// </summary>
public sealed class DeniedPathReLoginTests
{
    private static readonly Dictionary<string, object?> DbV1 = new() { ["username"] = "app", ["password"] = "vault-pass-1" };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APathDeniedForTenMinutesCostsNoLoginAndNoNewCredentialsAndTheAppsLeaseIsRenewed(bool deniedPathFirst)
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromMinutes(2), TimeSpan.FromHours(2));
        harness.Emulator.SetPolicy("app", "secret/data/myapp/*", "secret/metadata/myapp/*", "database/creds/app");
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["app"]);
        var jwt = harness.WriteFile("token", "jwt");

        // With the KV path first, a failure there must not stop the lease behind it from being renewed.
        harness.Build(o =>
        {
            o.UseKubernetesAuth("myapp", jwtPath: jwt);

            // While a read keeps failing the engine wakes only for retries; a lease shorter than the backoff would lapse
            // between two of them whatever the source does. This test is about what the source does when it is called.
            o.MaximumBackoff = TimeSpan.FromSeconds(10);
            if (deniedPathFirst)
            {
                o.Map("secret/myapp/db", "Db").Map("database/creds/app", "Creds");
            }
            else
            {
                o.Map("database/creds/app", "Creds").Map("secret/myapp/db", "Db");
            }
        });
        var lease = Assert.Single(harness.Emulator.ActiveLeases);
        var user = harness.Configuration["Creds:username"];
        harness.Emulator.ClearRequests();

        harness.Emulator.SetPolicy("app", "database/creds/app");
        await Assert.ThrowsAsync<SecretSourceException>(() => harness.Refresher.RefreshAsync());
        await harness.AdvanceInStepsAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5));

        var logins = harness.Count("POST", "auth/kubernetes/login");
        var minted = harness.Count("GET", "database/creds/app");
        var live = harness.Emulator.ActiveLeases.Count;
        Assert.Equal((0, 0, 1), (logins, minted, live));
        var current = Assert.Single(harness.Emulator.ActiveLeases);
        Assert.Equal(lease.LeaseId, current.LeaseId);
        Assert.NotNull(current.LastRenewalTime);
        Assert.True(harness.Count("POST", "sys/leases/renew") >= 5, "the app's lease was not kept renewed");
        Assert.True(current.ExpireTime > harness.Time.GetUtcNow(), "the app's lease lapsed");
        Assert.Equal(user, harness.Configuration["Creds:username"]);
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.True(harness.Refresher.Status.ConsecutiveFailures > 0, "the denied path did not fail the read");
        Assert.Contains("secret/", harness.Refresher.Status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedTokenIsReplacedByOneLoginAndTheReadRetried()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(3), ["root"]);
        var jwt = harness.WriteFile("token", "jwt");
        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db"));
        var accessor = harness.Emulator.Requests.Last(r => r.Path.StartsWith("secret/", StringComparison.Ordinal)).TokenAccessor;

        Assert.True(harness.Emulator.RevokeTokenByAccessor(accessor));
        harness.Emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?>(DbV1) { ["password"] = "vault-pass-2" });
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-2", harness.Configuration["Db:password"]);
        Assert.Equal(2, harness.Count("POST", "auth/kubernetes/login"));
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task CredentialsMintedDuringAFailingReadAreKeptAndHandedOutByTheNextSuccessfulRead()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromMinutes(2), TimeSpan.FromHours(24));
        harness.Emulator.SetPolicy("app", "secret/data/myapp/*", "secret/metadata/myapp/*", "database/creds/app");
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["app"]);
        var jwt = harness.WriteFile("token", "jwt");
        harness.Build(o =>
        {
            o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db").Map("database/creds/app", "Creds");
            o.MaximumBackoff = TimeSpan.FromSeconds(10);
        });
        var firstUser = harness.Configuration["Creds:username"];
        harness.Emulator.ClearRequests();

        // The lease's next renewal is refused while every read fails on the KV path: it is read again once, not per retry,
        // and the new lease is renewed on its own clock until a read succeeds.
        harness.Emulator.InjectFault(new VaultFault { PathPrefix = "sys/leases/renew", StatusCode = 400, Count = 1, Errors = ["lease not found"] });
        harness.Emulator.SetPolicy("app", "database/creds/app");
        await Assert.ThrowsAsync<SecretSourceException>(() => harness.Refresher.RefreshAsync());
        await harness.AdvanceInStepsAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5));
        Assert.Equal(1, harness.Count("GET", "database/creds/app"));
        Assert.Equal(firstUser, harness.Configuration["Creds:username"]);

        harness.Emulator.SetPolicy("app", "secret/data/myapp/*", "secret/metadata/myapp/*", "database/creds/app");
        await harness.AdvanceInStepsAsync(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(5));

        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Equal(1, harness.Count("GET", "database/creds/app"));
        Assert.Equal(0, harness.Count("POST", "auth/kubernetes/login"));
        var lease = Assert.Single(harness.Emulator.ActiveLeases);
        Assert.Equal(lease.Username, harness.Configuration["Creds:username"]);
        Assert.NotEqual(firstUser, lease.Username);
    }
}

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>The token's lifetime is timed on the monotonic clock: a wall-clock jump does not make it look expired.</summary>
public sealed class WallClockJumpTests
{
    [Fact]
    public async Task AWallClockJumpForwardNeitherLogsInAgainNorMintsNewCredentials()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["root"]);
        var jwt = harness.WriteFile("token", "jwt");
        var clock = new JumpingClock(harness.Time);
        harness.Build(o =>
        {
            o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("database/creds/app", "Db");
            o.TimeProvider = clock;
        });
        var user = harness.Configuration["Db:username"];

        clock.WallOffset = TimeSpan.FromHours(2);
        await harness.Refresher.RefreshAsync();

        Assert.Equal(1, harness.Count("POST", "auth/kubernetes/login"));
        Assert.Equal(1, harness.Count("GET", "database/creds/app"));
        Assert.Equal(user, harness.Configuration["Db:username"]);
    }
}

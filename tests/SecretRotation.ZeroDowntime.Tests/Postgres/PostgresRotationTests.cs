using Npgsql;
using SecretRotation.ZeroDowntime.Tests.Postgres.Patterns;
using Xunit.Abstractions;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// Issue 11's PostgreSQL proofs on a real server: 8 workers query a rotating <see cref="NpgsqlDataSource"/> in a loop while
/// its credentials rotate 100 times, and each scenario asserts 0 failed queries, that every client generation served
/// queries, and that no query ran on a session authenticated with a credential after that credential was revoked. The
/// scenarios (see each pattern's summary) share one server and run one after the other.
/// </summary>
public sealed class PostgresRotationTests(PostgresFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int Rotations = 100;
    private static readonly TimeSpan s_scenarioLimit = TimeSpan.FromMinutes(5);

    /// <summary><see cref="VolumePattern"/>: <c>ALTER ROLE ... PASSWORD</c>, then a kubelet-style swap of the mounted secret.</summary>
    [Fact]
    public async Task VolumeAlterRoleThenKubeletSwapLosesNoQuery()
    {
        using var timeout = new CancellationTokenSource(s_scenarioLimit);
        await RunAsync(await VolumePattern.StartAsync(fixture.Server, "app_volume", timeout.Token), timeout.Token);
    }

    /// <summary><see cref="DualUserPattern"/>: users A and B, the active one in the Key Vault emulator, the old one revoked after the grace window.</summary>
    [Fact]
    public async Task DualUsersThroughKeyVaultLoseNoQuery()
    {
        using var timeout = new CancellationTokenSource(s_scenarioLimit);
        await RunAsync(await DualUserPattern.StartAsync(fixture.Server, "app_a", "app_b", timeout.Token), timeout.Token);
    }

    /// <summary><see cref="VaultDynamicPattern"/>: a new role per lease, created and dropped on the server by the Vault emulator.</summary>
    [Fact]
    public async Task VaultDynamicCredentialsLoseNoQuery()
    {
        using var timeout = new CancellationTokenSource(s_scenarioLimit);
        var pattern = await VaultDynamicPattern.StartAsync(fixture.Server, timeout.Token);
        await RunAsync(pattern, timeout.Token);
        Assert.Empty(pattern.DatabaseFailures);
        Assert.Equal(1L, await fixture.Server.ScalarAsync<long>("select count(*) from pg_roles where rolname like 'v-root-app-%'"));
    }

    private async Task RunAsync(IRotationPattern pattern, CancellationToken cancellationToken)
    {
        await using (pattern)
        {
            for (var rotation = 1; rotation <= Rotations; rotation++)
            {
                await pattern.RotateAsync(rotation, cancellationToken);
            }

            output.WriteLine((await pattern.Scenario.StopAndVerifyAsync(Rotations, pattern.Name)).ToString());
        }
    }
}

using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SecretRotation.Engine;
using SecretRotation.Testing;
using SecretRotation.TestSupport;
using Xunit.Abstractions;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// Issue 11's PostgreSQL proofs on a real server: 8 workers query a rotating <see cref="NpgsqlDataSource"/> in a loop while
/// its credentials rotate 100 times through each source, and each asserts 0 failed queries and that no query ran on a
/// session authenticated with a credential after that credential was revoked. The scenarios share one server and run one
/// after the other.
/// </summary>
public sealed partial class PostgresRotationTests(PostgresFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int Rotations = 100;
    private static readonly TimeSpan s_scenarioLimit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A single user whose password changes in place: <c>ALTER ROLE ... PASSWORD</c>, then a kubelet-style swap of the mounted
    /// secret. The warm pool needs no new login between the two; once the app moved, the sessions opened with the old
    /// password are gone, and any left would be terminated (the revocation).
    /// </summary>
    [Fact]
    public async Task VolumeAlterRoleThenKubeletSwapLosesNoQuery()
    {
        var server = fixture.Server;
        using var timeout = new CancellationTokenSource(s_scenarioLimit);
        const string user = "app_volume";
        var password = RotationScenario.NewPassword();
        await server.ExecuteAsync($"create role {user} login password '{password}'");
        using var mount = new TemporaryDirectory();
        var kubelet = new KubernetesVolumeWriter(mount.Path);
        kubelet.Write(Secret(user, password));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:ConnectionString"] = RotationScenario.ConnectionString(server) })
            .AddMountedSecrets(mount.Path)
            .Build();

        await using var scenario = RotationScenario.Start(server, configuration, timeout.Token);
        var generation = await scenario.WaitForSwitchAsync(0, "start-up");
        for (var rotation = 1; rotation <= Rotations; rotation++)
        {
            var next = RotationScenario.NewPassword();
            var alteredAt = await scenario.ExecuteAtAsync($"alter role {user} password '{next}'");
            kubelet.Write(Secret(user, next));
            generation = await scenario.WaitForSwitchAsync(generation, $"rotation {rotation}");
            await scenario.WaitForSessionsGoneAsync(user, alteredAt, $"rotation {rotation}'s ALTER ROLE");
            var revokedAt = await scenario.ExecuteAtAsync(
                $"select pg_terminate_backend(pid) from pg_stat_activity where usename = '{user}' and backend_start < '{Sql(alteredAt)}'");
            scenario.Revoked(new Revocation(user, alteredAt, revokedAt));
        }

        Report(await scenario.StopAndVerifyAsync(Rotations, "volume (ALTER ROLE, then kubelet swap)"));
    }

    /// <summary>
    /// Two users, A and B (the dual-credential pattern): the Key Vault emulator, read through the real <c>SecretClient</c> over
    /// HTTPS, holds the active user and its password. Each rotation gives the idle user a new password, switches the vault to
    /// it, and once the app moved and the old user's sessions drained (the grace window), changes the old user's password and
    /// terminates its sessions.
    /// </summary>
    [Fact]
    public async Task DualUsersThroughKeyVaultLoseNoQuery()
    {
        var server = fixture.Server;
        using var timeout = new CancellationTokenSource(s_scenarioLimit);
        var (active, idle) = ("app_a", "app_b");
        var password = RotationScenario.NewPassword();
        await server.ExecuteAsync($"create role {active} login password '{password}'; create role {idle} login password '{RotationScenario.NewPassword()}'");
        await using var vault = await KeyVaultEmulator.StartAsync(cancellationToken: timeout.Token);
        vault.SetSecret("Db--User", active);
        vault.SetSecret("Db--Password", password);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:ConnectionString"] = RotationScenario.ConnectionString(server) })
            .AddAzureKeyVaultSecrets(vault.CreateClient(TestSecretClientOptions.ZeroDelayRetries()), source =>
            {
                // Named secrets are fetched at every read. A whole-vault read finds changes by the listing's `updated`, which
                // has whole seconds: rotations here come a few tenths of a second apart, far faster than any real one.
                source.SecretNames = ["Db--User", "Db--Password"];
                source.PollInterval = TimeSpan.FromHours(1);
            })
            .Build();
        var refresher = configuration.GetSecretRefreshers().Single();

        await using var scenario = RotationScenario.Start(server, configuration, timeout.Token);
        var generation = await scenario.WaitForSwitchAsync(0, "start-up");
        for (var rotation = 1; rotation <= Rotations; rotation++)
        {
            var next = RotationScenario.NewPassword();
            await scenario.ExecuteAtAsync($"alter role {idle} password '{next}'");
            vault.SetSecret("Db--Password", next);
            vault.SetSecret("Db--User", idle);
            await refresher.RefreshAsync(timeout.Token);
            generation = await scenario.WaitForSwitchAsync(generation, $"rotation {rotation} (to {idle})");
            await scenario.WaitForSessionsGoneAsync(active, DateTime.UtcNow.AddYears(1), $"rotation {rotation} (from {active})");
            var revokedAt = await scenario.ExecuteAtAsync(
                $"alter role {active} password '{RotationScenario.NewPassword()}'; select pg_terminate_backend(pid) from pg_stat_activity where usename = '{active}'");
            scenario.Revoked(new Revocation(active, revokedAt, revokedAt));
            (active, idle) = (idle, active);
        }

        Report(await scenario.StopAndVerifyAsync(Rotations, "two users A/B (Key Vault)"));
    }

    /// <summary>
    /// Vault dynamic credentials: the Vault emulator's database engine creates a role per <c>database/creds/app</c> read
    /// (<c>CREATE ROLE ... VALID UNTIL</c>) on the real server and, when the lease ends, terminates its sessions and drops it.
    /// The Vault source renews the lease, reads new credentials before the capped lease expires, the data source is rebuilt,
    /// and the old lease then expires on the (fake) Vault clock.
    /// </summary>
    [Fact]
    public async Task VaultDynamicCredentialsLoseNoQuery()
    {
        var server = fixture.Server;
        using var timeout = new CancellationTokenSource(s_scenarioLimit);
        var lease = TimeSpan.FromHours(1);
        var vaultClock = new FakeTimeProvider(DateTimeOffset.UtcNow);   // VALID UNTIL is checked on the server's real clock
        var revocations = Channel.CreateUnbounded<Revocation>();
        await using var vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = vaultClock }, timeout.Token);
        vault.AddDatabaseRole("app", new VaultDatabaseRoleOptions
        {
            DefaultTtl = lease,
            MaxTtl = lease,
            ExecuteAsync = async (statements, cancellationToken) =>
            {
                await using var connection = await server.OpenAdminAsync(cancellationToken);
                await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
                {
                    foreach (var statement in statements)
                    {
                        await using var command = new NpgsqlCommand(statement, connection, transaction);
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await transaction.CommitAsync(cancellationToken);
                }

                if (DroppedRole().Match(statements[^1]) is { Success: true } dropped)
                {
                    await using var clock = new NpgsqlCommand("select clock_timestamp()", connection);
                    var at = (DateTime)(await clock.ExecuteScalarAsync(cancellationToken))!;
                    revocations.Writer.TryWrite(new Revocation(dropped.Groups[1].Value, at, at));
                }
            },
        });
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:ConnectionString"] = RotationScenario.ConnectionString(server) })
            .AddHashiCorpVault(source =>
            {
                source.Address = vault.Address;
                source.UseToken(vault.RootToken);
                source.TimeProvider = vaultClock;
                source.PollInterval = TimeSpan.FromDays(30);
                source.Map("database/creds/app", "Db");
            })
            .Build();
        var engine = new FakeClockLoop(vaultClock, configuration.Providers.OfType<SecretConfigurationProvider>().Single().WhenIdleAsync);

        await using var scenario = RotationScenario.Start(server, configuration, timeout.Token);
        var generation = await scenario.WaitForSwitchAsync(0, "start-up");
        for (var rotation = 1; rotation <= Rotations; rotation++)
        {
            var oldUser = configuration["Db:username"]!;
            DateTimeOffset Expiry() => vault.ActiveLeases.Single(active => active.Username == oldUser).ExpireTime;   // renewals move it

            // Vault time passes (in steps finer as the lease nears its end): a renewal, capped by the max TTL, then new credentials.
            for (var step = 0; configuration["Db:username"] == oldUser; step++)
            {
                var left = Expiry() - vaultClock.GetUtcNow();
                Assert.True(step < 200 && left > TimeSpan.Zero, $"rotation {rotation}: no new credentials were read before the old lease expired");
                await engine.AdvanceAsync(TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, left.Ticks / 4)));
            }

            generation = await scenario.WaitForSwitchAsync(generation, $"rotation {rotation} (new credentials)");
            await scenario.WaitForSessionsGoneAsync(oldUser, DateTime.UtcNow.AddYears(1), $"rotation {rotation} (lease of {oldUser})");

            // The old lease expires: the emulator revokes it on the server (sessions terminated, role dropped).
            await engine.AdvanceAsync(Expiry() - vaultClock.GetUtcNow());
            var revoked = await revocations.Reader.ReadAsync(timeout.Token).AsTask()
                .WithTimeout($"the revocation of {oldUser} (rotation {rotation}; database failures: {string.Join(" | ", vault.DatabaseFailures.Select(f => f.Message + " " + f.InnerException?.Message))})");
            Assert.Equal(oldUser, revoked.User);
            scenario.Revoked(revoked);
            Assert.Equal(0L, await server.ScalarAsync<long>($"select count(*) from pg_roles where rolname = '{oldUser}'"));
        }

        Assert.Empty(vault.DatabaseFailures);
        Report(await scenario.StopAndVerifyAsync(Rotations, "Vault dynamic credentials"));
    }

    private static Dictionary<string, string> Secret(string user, string password) => new()
    {
        ["Db__User"] = user,
        ["Db__Password"] = password,
    };

    private static string Sql(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + "+00";

    [GeneratedRegex("^DROP ROLE IF EXISTS \"([^\"]+)\"$")]
    private static partial Regex DroppedRole();

    private void Report(ScenarioFigures figures) => output.WriteLine(figures.ToString());
}

using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SecretRotation.Engine;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.ZeroDowntime.Tests.Postgres.Patterns;

/// <summary>
/// Vault dynamic credentials: the Vault emulator's database engine creates a role per <c>database/creds/app</c> read
/// (<c>CREATE ROLE ... VALID UNTIL</c>) on the real server, moves <c>VALID UNTIL</c> on renewal and, when the lease ends,
/// terminates the role's sessions and drops it. Lease TTL = max TTL = 1 h on a fake Vault clock: each rotation moves it (in
/// steps, finer as the lease nears its end) until the Vault source has renewed the lease and read new credentials before the
/// capped lease expires; the data source is rebuilt and drains; then the old lease expires and the emulator revokes it.
/// </summary>
public sealed partial class VaultDynamicPattern : IRotationPattern
{
    private static readonly TimeSpan s_lease = TimeSpan.FromHours(1);

    private readonly VaultEmulator _vault;
    private readonly FakeTimeProvider _vaultClock;
    private readonly IConfiguration _configuration;
    private readonly FakeClockLoop _engine;
    private readonly Channel<Revocation> _revocations;
    private long _generation;

    private VaultDynamicPattern(
        VaultEmulator vault, FakeTimeProvider vaultClock, IConfiguration configuration, FakeClockLoop engine, Channel<Revocation> revocations,
        RotationScenario scenario)
    {
        _vault = vault;
        _vaultClock = vaultClock;
        _configuration = configuration;
        _engine = engine;
        _revocations = revocations;
        Scenario = scenario;
    }

    public string Name => "Vault dynamic credentials";

    public RotationScenario Scenario { get; }

    /// <summary>Statement failures the emulator recorded (creation, renewal, revocation).</summary>
    public IReadOnlyList<Exception> DatabaseFailures => _vault.DatabaseFailures;

    public static async Task<VaultDynamicPattern> StartAsync(PostgresServer server, CancellationToken cancellationToken)
    {
        // Starts at the real time: VALID UNTIL is checked on the server's real clock, and the fake one only runs ahead.
        var vaultClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var revocations = Channel.CreateUnbounded<Revocation>();
        var vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = vaultClock }, cancellationToken);
        vault.AddDatabaseRole("app", new VaultDatabaseRoleOptions
        {
            DefaultTtl = s_lease,
            MaxTtl = s_lease,
            ExecuteAsync = async (statements, token) =>
            {
                await using var connection = await server.OpenAdminAsync(token);
                await using (var transaction = await connection.BeginTransactionAsync(token))
                {
                    foreach (var statement in statements)
                    {
                        await using var command = new NpgsqlCommand(statement, connection, transaction);
                        await command.ExecuteNonQueryAsync(token);
                    }

                    await transaction.CommitAsync(token);
                }

                if (DroppedRole().Match(statements[^1]) is { Success: true } dropped)
                {
                    await using var clock = new NpgsqlCommand("select clock_timestamp()", connection);
                    var at = (DateTime)(await clock.ExecuteScalarAsync(token))!;
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
        var pattern = new VaultDynamicPattern(vault, vaultClock, configuration, engine, revocations, RotationScenario.Start(server, configuration, cancellationToken));
        pattern._generation = await pattern.Scenario.WaitForSwitchAsync(0, "start-up");
        return pattern;
    }

    public async Task RotateAsync(int rotation, CancellationToken cancellationToken)
    {
        var oldUser = _configuration["Db:username"]!;
        DateTimeOffset Expiry() => _vault.ActiveLeases.Single(lease => lease.Username == oldUser).ExpireTime;   // renewals move it

        // Vault time passes: a renewal, capped by the max TTL, then new credentials at 85-95 % of what was left.
        for (var step = 0; _configuration["Db:username"] == oldUser; step++)
        {
            var left = Expiry() - _vaultClock.GetUtcNow();
            if (step >= 200 || left <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"rotation {rotation}: no new credentials were read before the old lease expired");
            }

            await _engine.AdvanceAsync(TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, left.Ticks / 4)));
        }

        _generation = await Scenario.WaitForSwitchAsync(_generation, $"rotation {rotation} (new credentials)");
        await Scenario.WaitForSessionsGoneAsync(oldUser, DateTime.UtcNow.AddYears(1), $"rotation {rotation} (lease of {oldUser})");

        // The old lease expires: the emulator revokes it on the server (sessions terminated, role dropped).
        await _engine.AdvanceAsync(Expiry() - _vaultClock.GetUtcNow());
        var revoked = await _revocations.Reader.ReadAsync(cancellationToken).AsTask().WithTimeout(
            $"the revocation of {oldUser} (rotation {rotation}; database failures: {string.Join(" | ", _vault.DatabaseFailures.Select(f => f.Message + " " + f.InnerException?.Message))})");
        if (revoked.User != oldUser)
        {
            throw new InvalidOperationException($"rotation {rotation}: {revoked.User} was revoked, not {oldUser}");
        }

        Scenario.Revoked(revoked);
    }

    public async ValueTask DisposeAsync()
    {
        await Scenario.DisposeAsync();
        await _vault.DisposeAsync();
    }

    [GeneratedRegex("^DROP ROLE IF EXISTS \"([^\"]+)\"$")]
    private static partial Regex DroppedRole();
}

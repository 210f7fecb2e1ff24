using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// One scenario's moving parts: the app (configuration from a secret source, <see cref="NpgsqlRecipe"/> registered in a
/// service provider), 8 workers of constant load, and the server-side record of what was revoked when. The rotating
/// client's own clock is a fake one: once every worker has moved to a new generation, the scenario moves it past the
/// client's one-second grace for callers without a lease (every worker here holds a lease, so the drain itself waits for
/// real leases only) instead of waiting a real second per rotation.
/// </summary>
public sealed class RotationScenario : IAsyncDisposable
{
    public const int Workers = 8;

    private static readonly TimeSpan s_waitLimit = TimeSpan.FromSeconds(60);

    private readonly PostgresServer _server;
    private readonly IConfiguration _configuration;
    private readonly ServiceProvider _services;
    private readonly FakeTimeProvider _clientClock = new(DateTimeOffset.UtcNow);
    private readonly List<Revocation> _revocations = [];
    private readonly QueryLoad _load;

    private RotationScenario(PostgresServer server, IConfiguration configuration, CancellationToken cancellationToken)
    {
        _server = server;
        _configuration = configuration;
        var services = new ServiceCollection()
            .AddSingleton(configuration)
            .AddSingleton<TimeProvider>(_clientClock)
            .AddSecretRotation()
            .AddRotatingNpgsql();
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<IRotatingClient<NpgsqlDataSource>>();
        _load = new QueryLoad(() => Client, Workers, cancellationToken);
    }

    public IRotatingClient<NpgsqlDataSource> Client { get; }

    /// <summary>The <c>Db:ConnectionString</c> the recipe reads: where and how big the pool is, no credentials.</summary>
    public static string ConnectionString(PostgresServer server) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionStringFor("placeholder"))
        {
            Username = null,
            MinPoolSize = Workers,
            MaxPoolSize = Workers * 4,
        }.ConnectionString;

    /// <summary>Builds the app on <paramref name="configuration"/> (which holds <c>Db:*</c>) and starts the load.</summary>
    public static RotationScenario Start(PostgresServer server, IConfiguration configuration, CancellationToken cancellationToken) =>
        new(server, configuration, cancellationToken);

    /// <summary>
    /// Waits until every worker ran a query on the client generation after <paramref name="previous"/> (a rotation reached
    /// the app and the new data source took the load), then lets the replaced one drain. Returns the new generation.
    /// </summary>
    public async Task<long> WaitForSwitchAsync(long previous, string what)
    {
        try
        {
            await _load.WaitForAllWorkersOnAsync(previous + 1).WaitAsync(s_waitLimit);
        }
        catch (TimeoutException)
        {
            var health = _services.GetRequiredService<IRotatingClientHealth>().GetStatuses();
            throw new TimeoutException(
                $"Timed out waiting for every worker to use generation {previous + 1} after {what}; client: {string.Join("; ", health)}; "
                + $"failures: {string.Join(" | ", _load.Failures.Take(5))}");
        }

        _clientClock.Advance(TimeSpan.FromSeconds(1));
        return Client.Generation;
    }

    /// <summary>Waits (bounded) until the server has no session of <paramref name="user"/> that started before <paramref name="startedBefore"/>.</summary>
    public async Task WaitForSessionsGoneAsync(string user, DateTime startedBefore, string what)
    {
        var deadline = DateTime.UtcNow + s_waitLimit;
        await using var connection = await _server.OpenAdminAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where usename = $1 and backend_start < $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = user });
        command.Parameters.Add(new NpgsqlParameter { Value = startedBefore });
        for (var attempt = 0; ; attempt++)
        {
            var left = (long)(await command.ExecuteScalarAsync())!;
            if (left == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{left} session(s) of {user} opened before {what} were still open after {s_waitLimit.TotalSeconds} s: the replaced data source kept them.");
            }

            // A backend exits a moment after its client closed the socket: look again shortly.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, 2 + attempt)));
        }
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser and returns <c>clock_timestamp()</c> taken right after it.</summary>
    public async Task<DateTime> ExecuteAtAsync(string sql)
    {
        await using var connection = await _server.OpenAdminAsync();
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        await using var clock = new NpgsqlCommand("select clock_timestamp()", connection);
        return (DateTime)(await clock.ExecuteScalarAsync())!;
    }

    /// <summary>Records a revocation that the scenario (or the Vault emulator) ran.</summary>
    public void Revoked(Revocation revocation)
    {
        lock (_revocations)
        {
            _revocations.Add(revocation);
        }
    }

    /// <summary>Stops the load; returns every query, failure and revocation of the run.</summary>
    public async Task<ScenarioRun> StopAsync()
    {
        var records = await _load.StopAsync();
        lock (_revocations)
        {
            return new ScenarioRun(records, _load.Failures, [.. _revocations], Client.Generation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _load.DisposeAsync();
        await _services.DisposeAsync();
        (_configuration as IDisposable)?.Dispose();
    }

    /// <summary>A UTC time as a PostgreSQL timestamptz literal.</summary>
    public static string Sql(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";

    /// <summary>A random password of letters and digits (safe inside a SQL literal).</summary>
    public static string NewPassword() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();

    /// <summary>A 1-based rotation number, for messages.</summary>
    public static string Nth(int rotation) => rotation.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretRotation.Testing;
using SecretRotation.TestSupport;
using SecretRotation.ZeroDowntime.Tests.Postgres;

namespace SecretRotation.Benchmarks.Harness.PostgresRotation;

/// <summary>
/// The seed's strategy under the same load: each rotation (<c>ALTER ROLE ... PASSWORD</c>, then the kubelet swap) is picked
/// up by stopping the app (its service provider, and with it the data source) and starting a new one, which reads the new
/// secret at start. In-process, so it leaves out what a real pod restart adds (process start, JIT, readiness probes).
/// </summary>
internal static class PostgresRestartBaseline
{
    public static async Task<(PostgresPhase Phase, List<double> DowntimesMs)> RunAsync(
        PostgresServer server, int restarts, int workers, TimeSpan duration, CancellationToken cancellationToken)
    {
        const string user = "app_restart";
        var password = RotationScenario.NewPassword();
        await server.ExecuteAsync($"create role {user} login password '{password}'", cancellationToken);
        using var mount = new TemporaryDirectory();
        var kubelet = new KubernetesVolumeWriter(mount.Path);
        kubelet.Write(Secret(user, password));

        var app = Start(server, mount.Path);
        var downtimes = new List<double>();
        var load = new QueryLoad(() => app.Client, workers, cancellationToken);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var from = await ServerNowAsync(server, cancellationToken);
            var interval = duration / restarts;
            for (var i = 1; i <= restarts; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var next = RotationScenario.NewPassword();
                await server.ExecuteAsync($"alter role {user} password '{next}'", cancellationToken);
                kubelet.Write(Secret(user, next));
                var stopping = Stopwatch.GetTimestamp();
                await app.DisposeAsync();
                app = Start(server, mount.Path);
                downtimes.Add(Stopwatch.GetElapsedTime(stopping).TotalMilliseconds);
                var left = interval - Stopwatch.GetElapsedTime(started);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left, cancellationToken);
                }
            }

            var to = await ServerNowAsync(server, cancellationToken);
            var records = await load.StopAsync();
            return (PostgresPhase.Of(new ScenarioRun(records, load.Failures, [], 0), from, to), downtimes);
        }
        finally
        {
            await load.DisposeAsync();
            await app.DisposeAsync();
        }
    }

    private static App Start(PostgresServer server, string mountPath)
    {
        var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:ConnectionString"] = RotationScenario.ConnectionString(server) })
            .AddMountedSecrets(mountPath)
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSecretRotation().AddRotatingNpgsql().BuildServiceProvider();
        return new App(configuration, services, services.GetRequiredService<IRotatingClient<NpgsqlDataSource>>());
    }

    private static async Task<DateTime> ServerNowAsync(PostgresServer server, CancellationToken cancellationToken) =>
        await server.ScalarAsync<DateTime>("select clock_timestamp()", cancellationToken);

    private static Dictionary<string, string> Secret(string user, string password) => new()
    {
        ["Db__User"] = user,
        ["Db__Password"] = password,
    };

    /// <summary>One run of the app: its configuration, container and data source (resolved at start, so the pool is warm).</summary>
    private sealed record App(ConfigurationRoot Configuration, ServiceProvider Services, IRotatingClient<NpgsqlDataSource> Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            Configuration.Dispose();
        }
    }
}

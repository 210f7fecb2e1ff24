using AksSample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// The sample's PostgreSQL load (samples/AksSample, <c>Sample:Postgres:Enabled</c>) on a real server, wired as the sample
/// wires it (<see cref="SamplePostgres.AddSamplePostgres"/>): the demo volume rotates the password with the demo's own
/// <see cref="DemoRotator"/> (which runs <c>ALTER ROLE</c> through <see cref="DemoPostgresRole"/> first), and the page's
/// counters must show queries served on every new data source and none failed.
/// </summary>
public sealed class SamplePostgresLoadTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private const int Rotations = 10;
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DemoRotationsKeepTheSampleQueriesServed()
    {
        using var timeout = new CancellationTokenSource(s_limit);
        using var volume = DemoVolume.Create();
        var connectionString = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionStringFor("unused"))
        {
            Username = null,
            MinPoolSize = 2,
            MaxPoolSize = 4,
        }.ConnectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sample:Postgres:Enabled"] = "true",
                ["Sample:Postgres:ConnectionString"] = connectionString,
                ["Sample:Postgres:AdminConnectionString"] = fixture.Server.AdminConnectionString,
                ["Sample:Postgres:Workers"] = "2",
                ["Sample:Postgres:QueryInterval"] = "00:00:00.010",
            })
            .AddMountedSecrets(volume.MountPath, source => source.KeyPrefix = DatabaseOptions.SectionName)
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(volume)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        // One rotation a second: a rebuild after a rotation opens connections with the new password, and at 300 ms under a
        // loaded CI machine the next rotation kept landing first, so the client stopped at generation 7 of 11 (no query failed).
        services.AddOptions<DemoOptions>().Configure(o => o.RotationInterval = TimeSpan.FromSeconds(1));
        Assert.True(services.AddSamplePostgres(configuration, isDemo: true));
        services.AddHostedService<DemoRotator>();
        await using var provider = services.BuildServiceProvider();
        var counter = provider.GetRequiredService<PostgresQueryCounter>();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        Assert.Equal(2, hosted.Length);
        foreach (var service in hosted)
        {
            await service.StartAsync(timeout.Token);
        }

        try
        {
            // Generation 1 is the first build; each demo rotation (ALTER ROLE, then the volume swap) makes one more.
            await WaitAsync(() => counter.Generation >= 1 + Rotations, counter, timeout.Token);
            var servedBefore = counter.Served;
            await WaitAsync(() => counter.Served > servedBefore, counter, timeout.Token);
        }
        finally
        {
            foreach (var service in hosted.Reverse())
            {
                await service.StopAsync(CancellationToken.None);
            }
        }

        var report = counter.Report();
        Assert.True(report.Served > 0, $"served {report.Served}");
        Assert.True(report.Failed == 0, $"{report.Failed} of {report.Served + report.Failed} queries failed, last {report.LastFailureType}");
        Assert.True(report.Generation >= 1 + Rotations, $"generation {report.Generation}");

        // The role's password is the volume's: a login with it works, so the server really followed the rotations.
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Username = configuration["Database:User"],
            Password = configuration["Database:Password"],
            Pooling = false,
        };
        await using var check = new NpgsqlConnection(builder.ConnectionString);
        await check.OpenAsync(timeout.Token);
    }

    // Polls the counters (no signal to wait on); bounded by the test's time limit.
    private static async Task WaitAsync(Func<bool> condition, PostgresQueryCounter counter, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            if (cancellationToken.IsCancellationRequested)
            {
                var report = counter.Report();
                Assert.Fail($"Timed out: generation {report.Generation}, served {report.Served}, failed {report.Failed} (last {report.LastFailureType}).");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Reported by the check above.
            }
        }
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests;

public sealed class RotatingClientHealthTests
{
    [Fact]
    public async Task ARotatingClientWhoseRebuildKeepsFailingIsDegradedUntilARebuildSucceeds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var logs = new CapturingLoggerProvider();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:ConnectionString"] = "Endpoint=sb://a;SharedAccessKey=health-canary-1" })
            .Build();
        var failing = true;
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddRotatingClient("Bus", (_, section) =>
                section["ConnectionString"]!.EndsWith("-1", StringComparison.Ordinal) || !Volatile.Read(ref failing)
                    ? new BusClient()
                    : throw new FormatException($"bad connection string {section["ConnectionString"]}"));
        services.AddHealthChecks().AddSecretRotation(options => options.FailureThreshold = 2);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IRotatingClient<BusClient>>();
        var health = provider.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("0 secret source(s) and 1 rotating client(s) healthy", report.Entries["secret-rotation"].Description);

        configuration["Bus:ConnectionString"] = "Endpoint=sb://a;SharedAccessKey=health-canary-2";
        configuration.Reload();
        await logs.WaitForEventAsync(41, "the first failed rebuild");
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        time.Advance(TimeSpan.FromSeconds(1));
        await logs.WaitForEventAsync(41, "the second failed rebuild", count: 2);
        report = await health.CheckHealthAsync();
        var entry = report.Entries["secret-rotation"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("rotating BusClient (Bus) failed 2 rebuilds in a row (System.FormatException); generation 1 still in use", entry.Description);
        Assert.Equal(1, client.Generation);

        Volatile.Write(ref failing, false);
        time.Advance(TimeSpan.FromSeconds(2));
        await logs.WaitForEventAsync(40, "the successful rebuild");
        Assert.Equal(2, client.Generation);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        var everything = string.Join('\n', logs.AllText(), entry.Description, string.Join('\n', entry.Data.Values));
        Assert.DoesNotContain("health-canary", everything, StringComparison.Ordinal);
    }

    public sealed class BusClient;
}

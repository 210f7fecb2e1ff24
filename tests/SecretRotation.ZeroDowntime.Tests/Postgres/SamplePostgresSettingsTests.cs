using AksSample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>The sample's <c>Sample:Postgres</c> settings: off by default, and refused with a clear message when wrong.</summary>
public sealed class SamplePostgresSettingsTests
{
    [Fact]
    public void OffByDefaultRegistersNothing()
    {
        var services = new ServiceCollection();
        Assert.False(services.AddSamplePostgres(Configuration([]), isDemo: true));
        Assert.Empty(services);
    }

    [Fact]
    public void EnabledRegistersTheLoad()
    {
        var services = new ServiceCollection();
        Assert.True(services.AddSamplePostgres(Configuration(new() { ["Sample:Postgres:ConnectionString"] = "Host=127.0.0.1;Database=app" }), isDemo: false));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(PostgresLoad));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(DemoPostgresRole));
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("Host=127.0.0.1;Username=app;Password=canary-value-1", "must not hold a user or password")]
    [InlineData("Host=127.0.0.1;Port=canary-value-1", "is not a valid Npgsql connection string")]
    public void AWrongConnectionStringIsRefusedWithoutItsValue(string? connectionString, string expected)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddSamplePostgres(
            Configuration(new() { ["Sample:Postgres:ConnectionString"] = connectionString }), isDemo: false));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("canary-value", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidAdminConnectionStringIsRefusedWithoutItsValue()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddSamplePostgres(
            Configuration(new()
            {
                ["Sample:Postgres:ConnectionString"] = "Host=127.0.0.1",
                ["Sample:Postgres:AdminConnectionString"] = "Host=127.0.0.1;Password=canary-value-2;Port=canary-value-3",
            }),
            isDemo: true));
        Assert.Contains("AdminConnectionString", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("canary-value", exception.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values)
    {
        if (values.Count > 0)
        {
            values["Sample:Postgres:Enabled"] = "true";
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}

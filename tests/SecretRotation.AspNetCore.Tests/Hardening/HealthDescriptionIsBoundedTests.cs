using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.AspNetCore.HealthChecks;

namespace SecretRotation.AspNetCore.Tests.Hardening;

/// <summary>However many secrets are near expiry, the health description names a few and counts the rest.</summary>
public sealed class HealthDescriptionIsBoundedTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ThousandsOfKeysNearExpiryGiveAShortDescription()
    {
        var keys = Enumerable.Range(0, 5_000).Select(i => $"Section{i}:Password").ToArray();
        var sources = Enumerable.Range(0, 50).Select(i => FakeRefresher.Loaded($"vault-{i}", Now, nearExpiry: keys)).ToArray();

        var entry = (await CheckAsync(sources)).Entries["secret-rotation"];

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.True(entry.Description!.Length <= SecretRotationHealthCheck.MaxDescriptionLength, $"{entry.Description.Length} characters");
        Assert.StartsWith("vault-0 has secrets near expiry or expired: Section0:Password, Section1:Password,", entry.Description, StringComparison.Ordinal);
        Assert.Contains($"Section9:Password and {5_000 - SecretRotationHealthCheck.MaxNamesPerProblem} more", entry.Description, StringComparison.Ordinal);
    }

    private static async Task<HealthReport> CheckAsync(params FakeRefresher[] refreshers)
    {
        var builder = new ConfigurationBuilder();
        foreach (var refresher in refreshers)
        {
            builder.Add(new FakeRefresherSource(refresher));
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(builder.Build());
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        services.AddLogging();
        services.AddHealthChecks().AddSecretRotation();
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    }
}

using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.AspNetCore.ServiceBus;

namespace SecretRotation.AspNetCore.Tests;

public sealed class HealthCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FreshLoadedSourcesAreHealthy()
    {
        var report = await CheckAsync(null, FakeRefresher.Loaded("vault-a", Now.AddMinutes(-1)), FakeRefresher.Loaded("files", Now));

        var entry = report.Entries["secret-rotation"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("2 secret source(s) healthy", entry.Description);
        Assert.Equal(["files", "vault-a"], entry.Data.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("vault-a: loaded=True", (string)entry.Data["vault-a"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequiredSourceThatNeverLoadedIsUnhealthyButAnOptionalOneIsNot()
    {
        var required = await CheckAsync(null, FakeRefresher.Loaded("files", Now), FakeRefresher.NeverLoaded("vault-a", optional: false));
        var optional = await CheckAsync(null, FakeRefresher.Loaded("files", Now), FakeRefresher.NeverLoaded("vault-b", optional: true));

        Assert.Equal(HealthStatus.Unhealthy, required.Entries["secret-rotation"].Status);
        Assert.Equal("vault-a has never loaded", required.Entries["secret-rotation"].Description);
        Assert.Contains("lastError=the store could not be reached", (string)required.Entries["secret-rotation"].Data["vault-a"], StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, optional.Entries["secret-rotation"].Status);
    }

    [Theory]
    [InlineData(14, null, HealthStatus.Healthy)]
    [InlineData(16, null, HealthStatus.Degraded)]
    [InlineData(16, 30, HealthStatus.Healthy)]
    [InlineData(31, 30, HealthStatus.Degraded)]
    [InlineData(600, -1, HealthStatus.Healthy)]
    public async Task ASourceNotReadForLongerThanTheStalenessThresholdIsDegraded(int minutesAgo, int? thresholdMinutes, HealthStatus expected)
    {
        var report = await CheckAsync(
            o => o.StalenessThreshold = thresholdMinutes switch { null => o.StalenessThreshold, -1 => null, var m => TimeSpan.FromMinutes(m.Value) },
            FakeRefresher.Loaded("vault-a", Now.AddMinutes(-minutesAgo)));

        var entry = report.Entries["secret-rotation"];
        Assert.Equal(expected, entry.Status);
        if (expected == HealthStatus.Degraded)
        {
            Assert.Equal($"vault-a last read successfully {minutesAgo} min ago", entry.Description);
        }
    }

    [Theory]
    [InlineData(2, 3, HealthStatus.Healthy)]
    [InlineData(3, 3, HealthStatus.Degraded)]
    [InlineData(1, 1, HealthStatus.Degraded)]
    public async Task RepeatedFailuresAreDegraded(int failures, int threshold, HealthStatus expected)
    {
        var report = await CheckAsync(o => o.FailureThreshold = threshold, FakeRefresher.Loaded("vault-a", Now, failures: failures, lastError: "Could not read secrets from vault-a: 503"));

        var entry = report.Entries["secret-rotation"];
        Assert.Equal(expected, entry.Status);
        if (expected == HealthStatus.Degraded)
        {
            Assert.Equal($"vault-a failed {failures} reads in a row", entry.Description);
        }
    }

    [Fact]
    public async Task KeysNearExpiryAreDegradedAndNamed()
    {
        var report = await CheckAsync(null, FakeRefresher.Loaded("vault-a", Now, nearExpiry: ["Db:Password", "Api:Key"]), FakeRefresher.Loaded("files", Now));

        var entry = report.Entries["secret-rotation"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("vault-a has secrets near expiry or expired: Db:Password, Api:Key", entry.Description);
    }

    [Fact]
    public async Task EveryProblemIsListedAndTheWorstStatusWins()
    {
        var report = await CheckAsync(
            null,
            FakeRefresher.NeverLoaded("vault-a", optional: false),
            FakeRefresher.Loaded("vault-b", Now.AddHours(-1), failures: 4, nearExpiry: ["X"]),
            FakeRefresher.Loaded("vault-b", Now));

        var entry = report.Entries["secret-rotation"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(
            "vault-a has never loaded; vault-b last read successfully 60 min ago; vault-b failed 4 reads in a row; vault-b has secrets near expiry or expired: X",
            entry.Description);
        Assert.Equal(["vault-a", "vault-b", "vault-b (2)"], entry.Data.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NameTagsAndTheRegisteredClockAreUsed()
    {
        var time = new FakeTimeProvider(Now);
        var services = Services(time, FakeRefresher.Loaded("vault-a", Now));
        services.AddHealthChecks().AddSecretRotation(o =>
        {
            o.Name = "secrets";
            o.Tags.Add("ready");
        });
        await using var provider = services.BuildServiceProvider();

        var registration = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single();
        var fresh = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        time.Advance(TimeSpan.FromMinutes(20));
        var stale = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal("secrets", registration.Name);
        Assert.Equal(["ready"], registration.Tags);
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("failures")]
    [InlineData("staleness")]
    [InlineData("window")]
    public void BadOptionsAreRefusedAtRegistration(string problem)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddSecretRotation(o =>
        {
            switch (problem)
            {
                case "name": o.Name = " "; break;
                case "failures": o.FailureThreshold = 0; break;
                case "staleness": o.StalenessThreshold = TimeSpan.Zero; break;
                default: o.ExpiryAlertWindow = TimeSpan.FromDays(-1); break;
            }
        }));
    }

    [Fact]
    public async Task AKeyVaultSecretNearItsExpiryMakesTheRealSourceDegraded()
    {
        await using var host = await ReceiverHost.StartAsync(seed: vault => vault.SetSecret("Api--Key", "api-key-value", expiresOn: DateTimeOffset.UtcNow.AddDays(10)));

        var report = await host.HealthAsync();

        var entry = report.Entries["secret-rotation"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("Api:Key", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("api-key-value", entry.Description + string.Join(' ', entry.Data.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyVaultsExpiryAnnouncementsFromTheReceiverDegradeUntilANewVersionArrives()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ReceiverHost.StartAsync(register: s => s.AddSingleton<TimeProvider>(time));
        var current = host.Vault.SetSecret("Db--Password", "expiring-soon");

        var nearExpiry = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", current, "Microsoft.KeyVault.SecretNearExpiry"), CancellationToken.None);
        var degraded = (await host.HealthAsync()).Entries["secret-rotation"];
        var rotated = host.Vault.SetSecret("Db--Password", "rotated");
        var newVersion = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", rotated), CancellationToken.None);
        var healthy = (await host.HealthAsync()).Entries["secret-rotation"];

        Assert.Equal(MessageSettlement.Complete, nearExpiry.Settlement);
        Assert.Equal(MessageSettlement.Complete, newVersion.Settlement);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal("Key Vault announced: 127.0.0.1/Db--Password (near expiry)", degraded.Description);
        Assert.Equal(["127.0.0.1/Db--Password (near expiry)"], (IReadOnlyList<string>)degraded.Data["keyVaultExpiryAlerts"]);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
    }

    [Fact]
    public async Task AnExpiryAnnouncementFadesAfterTheWindow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ReceiverHost.StartAsync(register: s => s.AddSingleton<TimeProvider>(time));
        var current = host.Vault.SetSecret("Db--Password", "expired");

        await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", current, "Microsoft.KeyVault.SecretExpired"), CancellationToken.None);
        var expired = (await host.HealthAsync()).Entries["secret-rotation"];
        time.Advance(TimeSpan.FromDays(31));
        var faded = (await host.HealthAsync()).Entries["secret-rotation"];

        Assert.Equal(HealthStatus.Degraded, expired.Status);
        Assert.Equal("Key Vault announced: 127.0.0.1/Db--Password (expired)", expired.Description);
        Assert.Equal(HealthStatus.Healthy, faded.Status);
    }

    [Fact]
    public async Task TheWebhookSharesItsExpiryAnnouncementsWithTheHealthCheck()
    {
        await using var host = await EventsHost.StartAsync(build: b => b.Services.AddHealthChecks().AddSecretRotation(o => o.StalenessThreshold = null));
        var version = host.Vault.SetSecret("Db--Password", "webhook-expiring");

        using var response = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent("Microsoft.KeyVault.SecretNearExpiry", WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version))));
        var report = await host.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("127.0.0.1/Db--Password (near expiry)", report.Entries["secret-rotation"].Description, StringComparison.Ordinal);
    }

    private static async Task<HealthReport> CheckAsync(Action<SecretRotationHealthCheckOptions>? configure, params FakeRefresher[] refreshers)
    {
        var services = Services(new FakeTimeProvider(Now), refreshers);
        services.AddHealthChecks().AddSecretRotation(configure);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    }

    private static ServiceCollection Services(TimeProvider time, params FakeRefresher[] refreshers)
    {
        var builder = new ConfigurationBuilder();
        foreach (var refresher in refreshers)
        {
            builder.Add(new FakeRefresherSource(refresher));
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(builder.Build());
        services.AddSingleton(time);
        services.AddLogging();
        return services;
    }
}

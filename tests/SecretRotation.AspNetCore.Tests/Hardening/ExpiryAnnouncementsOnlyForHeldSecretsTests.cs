using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.Tests.Hardening;

/// <summary>
/// SecretNearExpiry and SecretExpired announcements count only for secrets a source holds, and go away when they no longer
/// apply (rotation, expiry passed, age), so announcements for other vaults or names can neither degrade health nor pile up.
/// </summary>
public sealed class ExpiryAnnouncementsOnlyForHeldSecretsTests
{
    private const string NearExpiry = "Microsoft.KeyVault.SecretNearExpiry";
    private const string Expired = "Microsoft.KeyVault.SecretExpired";

    [Fact]
    public async Task AnnouncementsForAVaultNobodyReadsOrASecretNobodyHoldsLeaveHealthHealthyAndKeepNothing()
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Vault.SetSecret("Db--Password", "p2");
        await host.Configuration.GetSecretRefreshers().Single().RefreshAsync();

        for (var i = 0; i < 2_000; i++)
        {
            var type = i % 2 == 0 ? NearExpiry : Expired;
            var message = (i % 4) switch
            {
                0 or 1 => BusMessages.EventGrid("othervault.vault.azure.net", $"secret-{i}", $"{i:x32}", type),
                2 => BusMessages.EventGrid(host.VaultHost, $"ghost-{i}", $"{i:x32}", type),
                _ => BusMessages.EventGrid(host.VaultHost, "Db--Password", $"{i:x32}", NearExpiry), // a version not held
            };
            await host.Handler.HandleAsync(message, CancellationToken.None);
        }

        var report = (await host.HealthAsync()).Entries["secret-rotation"];

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(0, host.Services.GetRequiredService<ExpiryAlerts>().Count);
        Assert.Equal("p2", host.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task ANearExpiryAlertEndsWhenAPollBringsANewVersion()
    {
        await using var host = await ReceiverHost.StartAsync();
        var current = host.Vault.SetSecret("Db--Password", "expiring-soon");
        var refresher = host.Configuration.GetSecretRefreshers().Single();
        await refresher.RefreshAsync();

        await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", current, NearExpiry), CancellationToken.None);
        var degraded = (await host.HealthAsync()).Entries["secret-rotation"];
        host.Vault.SetSecret("Db--Password", "rotated");
        await refresher.RefreshAsync(); // a poll, not an event, brings the new version
        var healthy = (await host.HealthAsync()).Entries["secret-rotation"];

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(0, host.Services.GetRequiredService<ExpiryAlerts>().Count);
    }

    [Fact]
    public async Task ANearExpiryAlertEndsWhenTheExpiryItAnnouncedHasPassed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ReceiverHost.StartAsync(register: s => s.AddSingleton<TimeProvider>(time));
        var current = host.Vault.SetSecret("Db--Password", "expiring-soon");
        await host.Configuration.GetSecretRefreshers().Single().RefreshAsync();
        var data = WireEvents.KeyVaultData(host.VaultHost, "Db--Password", current, exp: JsonValue.Create(time.GetUtcNow().AddDays(2).ToUnixTimeSeconds()));

        await host.Handler.HandleAsync(BusMessages.Of(WireEvents.EventGridEvent(NearExpiry, data)), CancellationToken.None);
        var degraded = (await host.HealthAsync()).Entries["secret-rotation"];
        time.Advance(TimeSpan.FromDays(3));
        var passed = (await host.HealthAsync()).Entries["secret-rotation"];

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(HealthStatus.Healthy, passed.Status);
        Assert.Equal(0, host.Services.GetRequiredService<ExpiryAlerts>().Count);
    }

    [Fact]
    public async Task AnExpiredAlertForAHeldSecretIsKeptUntilItsWindowEndsAndThenForgotten()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ReceiverHost.StartAsync(register: s => s.AddSingleton<TimeProvider>(time));
        var current = host.Vault.SetSecret("Db--Password", "expired");
        await host.Configuration.GetSecretRefreshers().Single().RefreshAsync();

        await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", current, Expired), CancellationToken.None);
        var expired = (await host.HealthAsync()).Entries["secret-rotation"];
        time.Advance(TimeSpan.FromDays(31));
        var faded = (await host.HealthAsync()).Entries["secret-rotation"];

        Assert.Equal(HealthStatus.Degraded, expired.Status);
        Assert.Equal(HealthStatus.Healthy, faded.Status);
        Assert.Equal(0, host.Services.GetRequiredService<ExpiryAlerts>().Count);
    }

    [Fact]
    public void AlertsBeyondTheCapacityDropTheOldestFirst()
    {
        var alerts = new ExpiryAlerts();
        var start = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

        for (var i = 0; i < ExpiryAlerts.Capacity + 500; i++)
        {
            var secret = new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "vault", $"secret-{i}", $"{i:x32}");
            alerts.Record(new ExpiryAlert("vault", secret, NearExpiry, start.AddSeconds(i), Expires: null));
        }

        var current = alerts.Current(start.AddDays(1), TimeSpan.FromDays(30), _ => true);

        Assert.Equal(ExpiryAlerts.Capacity, alerts.Count);
        Assert.Equal(ExpiryAlerts.Capacity, current.Count);
        Assert.Equal("secret-500", current[0].Secret.SecretName);
    }
}

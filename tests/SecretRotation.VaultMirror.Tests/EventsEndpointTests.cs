using Microsoft.Extensions.DependencyInjection;
using SecretRotation.Testing;
using SecretRotation.TestSupport;
using SecretRotation.VaultMirror.Hosting;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Tests;

public sealed class EventsEndpointTests
{
    [Fact]
    public async Task NewVersionEventIsMirroredOnceAndDuplicateOrStaleEventsWriteNothing()
    {
        await using var harness = await MirrorHarness.StartAsync();
        var v1 = harness.KeyVault.SetSecret("db", "v1");
        await using var app = MirrorApplication.Build(HostedMirror.Arguments(harness), once: false, HostedMirror.UseHarness(harness));
        await app.StartAsync();
        await app.Services.GetRequiredService<MirrorStatus>().FirstPass.WithTimeout("the first pass");
        Assert.Equal("v1", harness.MirroredValue("db"));

        using var http = new HttpClient();
        var endpoint = new Uri($"{app.Urls.First()}/events?code={HostedMirror.EventKey}");
        var deliverer = new EventGridDeliverer(http, endpoint, new EventGridDeliveryOptions { DuplicateEvents = true });
        var events = new KeyVaultEventOptions { VaultUri = harness.KeyVault.VaultUri };

        var v2 = harness.KeyVault.SetSecret("db", "v2");
        harness.KeyVault.ClearRequests();
        harness.Vault.ClearRequests();
        var delivered = await deliverer.DeliverAsync(KeyVaultEvents.SecretNewVersionCreated("vault", "db", v2, events));

        Assert.True(delivered.Delivered);
        Assert.True(delivered.Handshake?.Succeeded);
        Assert.Equal("v2", harness.MirroredValue("db"));
        Assert.Equal(1, harness.VaultDataWrites);
        Assert.Equal(1, harness.KeyVaultGets);

        var stale = await deliverer.DeliverAsync(
        [
            KeyVaultEvents.SecretNewVersionCreated("vault", "db", v1, events),
            KeyVaultEvents.SecretNewVersionCreated("vault", "db", v2, events),
        ]);

        Assert.True(stale.Delivered);
        Assert.Equal(1, harness.VaultDataWrites);
        Assert.Equal("v2", harness.MirroredValue("db"));
        await app.StopAsync();
    }

    [Fact]
    public async Task WrongKeyIsRefusedAndWritesNothing()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "v1");
        await using var app = MirrorApplication.Build(HostedMirror.Arguments(harness), once: false, HostedMirror.UseHarness(harness));
        await app.StartAsync();
        await app.Services.GetRequiredService<MirrorStatus>().FirstPass.WithTimeout("the first pass");
        var version = harness.KeyVault.SetSecret("db", "v2");
        harness.Vault.ClearRequests();

        using var http = new HttpClient();
        var deliverer = new EventGridDeliverer(http, new Uri($"{app.Urls.First()}/events?code=wrong-key-0123456789"));
        var result = await deliverer.DeliverAsync(KeyVaultEvents.SecretNewVersionCreated("vault", "db", version, new KeyVaultEventOptions { VaultUri = harness.KeyVault.VaultUri }));

        Assert.False(result.Delivered);
        Assert.Equal(0, harness.VaultDataWrites);
        await app.StopAsync();
    }

    [Fact]
    public async Task HealthEndpointAnswers()
    {
        await using var harness = await MirrorHarness.StartAsync();
        await using var app = MirrorApplication.Build(HostedMirror.Arguments(harness), once: false, HostedMirror.UseHarness(harness));
        await app.StartAsync();
        await app.Services.GetRequiredService<MirrorStatus>().FirstPass.WithTimeout("the first pass");

        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"{app.Urls.First()}/healthz"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }
}

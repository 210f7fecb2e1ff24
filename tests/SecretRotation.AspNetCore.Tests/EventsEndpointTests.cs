using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>Real Kestrel on 127.0.0.1, the Key Vault emulator and the real SecretClient; polling is off, so only push refreshes.</summary>
public sealed class EventsEndpointTests
{
    private const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";

    [Fact]
    public async Task AnEventGridSchemaEventRefreshesJustThatSecret()
    {
        await using var host = await EventsHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "push-2");

        using var response = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("push-2", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Reloads);
        Assert.Equal(1, host.Gets("Db--Password"));
        Assert.Equal(1, host.Gets());
        Assert.Equal(0, host.Lists());
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=utf-8", false)]
    [InlineData("application/cloudevents-batch+json; charset=utf-8", true)]
    public async Task ACloudEventRefreshesJustThatSecret(string contentType, bool batch)
    {
        await using var host = await EventsHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "cloud-2");
        var cloudEvent = WireEvents.CloudEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version));
        var body = batch ? new JsonArray(cloudEvent).ToJsonString() : cloudEvent.ToJsonString();

        using var response = await host.Client.PostAsync(WireEvents.WithKey(), WireEvents.Json(body, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cloud-2", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Gets());
        Assert.Equal(0, host.Lists());
    }

    [Theory]
    [InlineData("number")]
    [InlineData("string")]
    [InlineData("null")]
    public async Task NbfAndExpAreAcceptedAsNumbersNumericStringsOrNull(string form)
    {
        await using var host = await EventsHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", $"form-{form}");
        JsonNode? nbf = form switch { "number" => 1559081980, "string" => "1559081980", _ => null };
        JsonNode? exp = form switch { "number" => 1893456000, "string" => "1893456000", _ => null };

        using var response = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version, nbf, exp))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"form-{form}", host.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task TheEventGridValidationHandshakeIsAnsweredWithTheCode()
    {
        await using var host = await EventsHost.StartAsync();
        var validation = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["topic"] = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault",
            ["subject"] = string.Empty,
            ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent",
            ["eventTime"] = "2026-11-26T12:00:00.0000000Z",
            ["data"] = new JsonObject { ["validationCode"] = "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", ["validationUrl"] = "https://rp-eastus2.eventgrid.azure.net:553/x" },
            ["dataVersion"] = "2",
            ["metadataVersion"] = "1",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, WireEvents.WithKey()) { Content = WireEvents.EventGridArray(validation) };
        request.Headers.Add("aeg-event-type", "SubscriptionValidation");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", body.RootElement.GetProperty("validationResponse").GetString());
        Assert.Equal(0, host.Gets());

        using var unauthenticated = await host.Client.PostAsync("/events", WireEvents.EventGridArray(validation));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [Fact]
    public async Task TheCloudEventsOptionsHandshakeGrantsTheOriginWithTheKeyOnly()
    {
        await using var host = await EventsHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, WireEvents.WithKey());
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        request.Headers.Add("WebHook-Request-Rate", "120");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("eventgrid.azure.net", response.Headers.GetValues("WebHook-Allowed-Origin").Single());
        Assert.Equal("*", response.Headers.GetValues("WebHook-Allowed-Rate").Single());

        using var unauthenticated = new HttpRequestMessage(HttpMethod.Options, "/events");
        unauthenticated.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        using var refused = await host.Client.SendAsync(unauthenticated);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(refused.Headers.Contains("WebHook-Allowed-Origin"));
    }

    [Theory]
    [InlineData("/events")]
    [InlineData("/events?code=wrong-key")]
    [InlineData("/events?code=")]
    public async Task AMissingOrWrongKeyGets401AndRefreshesNothing(string path)
    {
        await using var host = await EventsHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "not-for-you");

        using var response = await host.Client.PostAsync(path,
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version))));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, host.Gets());
        Assert.Equal("push-1", host.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task BothKeysWorkWhileTheKeyIsRotatedAndTheHeaderCarriesOneToo()
    {
        await using var host = await EventsHost.StartAsync();
        var v2 = host.Vault.SetSecret("Db--Password", "rotated-key-2");
        using var first = await host.Client.PostAsync(WireEvents.WithKey(EventsHost.OtherKey),
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", v2))));
        var v3 = host.Vault.SetSecret("Db--Password", "rotated-key-3");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events")
        {
            Content = WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", v3))),
        };
        request.Headers.Add("X-Secret-Rotation-Key", EventsHost.Key);
        using var second = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("rotated-key-3", host.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task DuplicatesAndStaleEventsCauseNoExtraReadOrReload()
    {
        await using var host = await EventsHost.StartAsync();
        var v2 = host.Vault.SetSecret("Db--Password", "dup-2");
        var v2Event = WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", v2), id: "event-v2");

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.PostAsync(WireEvents.WithKey(), WireEvents.EventGridArray(v2Event.DeepClone().AsObject()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var sameVersionNewId = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", v2))));

        Assert.Equal(HttpStatusCode.OK, sameVersionNewId.StatusCode);
        Assert.Equal("dup-2", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Gets());
        Assert.Equal(1, host.Reloads);
    }

    [Fact]
    public async Task EventsForAnotherVaultOrOfOtherTypesAreAcknowledgedAndIgnored()
    {
        await using var host = await EventsHost.StartAsync();

        using var otherVault = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData("othervault.vault.azure.net", "Db--Password", "0123456789abcdef0123456789abcdef"))));
        using var otherType = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent("Microsoft.KeyVault.KeyNewVersionCreated", WireEvents.KeyVaultData(host.VaultHost, "a-key", "v1"))));

        Assert.Equal(HttpStatusCode.OK, otherVault.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherType.StatusCode);
        Assert.Equal(0, host.Gets());
        Assert.Equal(0, host.Reloads);
    }

    [Fact]
    public async Task AFailedRefreshAnswers503SoEventGridRetries()
    {
        await using var host = await EventsHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "will-fail");
        host.Vault.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/Db--Password", Method = "GET", StatusCode = 500 });
        var body = WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version), id: "retried");

        using var failed = await host.Client.PostAsync(WireEvents.WithKey(), WireEvents.EventGridArray(body.DeepClone().AsObject()));
        host.Vault.ClearFaults();
        using var retried = await host.Client.PostAsync(WireEvents.WithKey(), WireEvents.EventGridArray(body.DeepClone().AsObject()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("will-fail", host.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task ABodyOverOneMebibyteGets413()
    {
        await using var host = await EventsHost.StartAsync();
        var huge = new string('x', (1024 * 1024) + 10);

        using var response = await host.Client.PostAsync(WireEvents.WithKey(), WireEvents.Json($"[\"{huge}\"]"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, host.Gets());
    }

    [Fact]
    public async Task ASecretNearExpiryEventIsLoggedAndRefreshes()
    {
        await using var host = await EventsHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "expiring", expiresOn: DateTimeOffset.UtcNow.AddDays(20));

        using var response = await host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent("Microsoft.KeyVault.SecretNearExpiry", WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, host.Gets());
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 303);
    }
}

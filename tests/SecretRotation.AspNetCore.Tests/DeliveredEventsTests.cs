using SecretRotation.Testing;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>Deliveries made the way Event Grid makes them (handshake first, aeg-* headers, retries, duplicates).</summary>
public sealed class DeliveredEventsTests
{
    [Theory]
    [InlineData(EventGridSchema.EventGrid)]
    [InlineData(EventGridSchema.CloudEvents)]
    public async Task ARotationDeliveredByEventGridReachesTheConfigurationWithOneGetAndNoList(EventGridSchema schema)
    {
        await using var host = await EventsHost.StartAsync();
        var deliverer = new EventGridDeliverer(host.Client, new Uri("/events", UriKind.Relative), new EventGridDeliveryOptions
        {
            Schema = schema,
            QueryString = $"code={EventsHost.Key}",
            DuplicateEvents = true,
        });
        var version = host.Vault.SetSecret("Db--Password", $"delivered-{schema}");

        var result = await deliverer.DeliverAsync(KeyVaultEvents.SecretNewVersionCreated("vault", "Db--Password", version,
            new KeyVaultEventOptions { VaultUri = host.Vault.VaultUri, TimestampFormat = KeyVaultTimestampFormat.NumericString }));

        Assert.True(result.Handshake?.Succeeded, result.Handshake?.Failure);
        Assert.True(result.Delivered);
        Assert.Equal($"delivered-{schema}", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Gets());
        Assert.Equal(0, host.Lists());
        Assert.Equal(1, host.Reloads);
    }

    [Fact]
    public async Task ABurstForTenSecretsInAnyOrderCostsAtMostTenGets()
    {
        await using var host = await EventsHost.StartAsync(vault =>
        {
            for (var i = 0; i < 10; i++)
            {
                vault.SetSecret($"s{i}", "v0");
            }
        });
        var events = new List<EventGridTestEvent>();
        for (var i = 0; i < 10; i++)
        {
            var version = host.Vault.SetSecret($"s{i}", "v1");
            for (var copy = 0; copy < 10; copy++)
            {
                events.Add(KeyVaultEvents.SecretNewVersionCreated("vault", $"s{i}", version, new KeyVaultEventOptions { VaultUri = host.Vault.VaultUri }));
            }
        }

        var deliverer = new EventGridDeliverer(host.Client, new Uri("/events", UriKind.Relative), new EventGridDeliveryOptions
        {
            QueryString = $"code={EventsHost.Key}",
            ReorderEvents = true,
            DuplicateEvents = true,
            MaxEventsPerBatch = 7,
        });
        var result = await deliverer.DeliverAsync(events);

        Assert.True(result.Delivered);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal("v1", host.Configuration[$"s{i}"]));
        Assert.Equal(10, host.Gets());
        Assert.Equal(0, host.Lists());
    }

    [Fact]
    public async Task AWrongKeyFailsTheHandshakeAndDeliversNothing()
    {
        await using var host = await EventsHost.StartAsync();
        var deliverer = new EventGridDeliverer(host.Client, new Uri("/events", UriKind.Relative), new EventGridDeliveryOptions { QueryString = "code=stolen" });
        var version = host.Vault.SetSecret("Db--Password", "never");

        var result = await deliverer.DeliverAsync(KeyVaultEvents.SecretNewVersionCreated("vault", "Db--Password", version, new KeyVaultEventOptions { VaultUri = host.Vault.VaultUri }));

        Assert.False(result.Delivered);
        Assert.False(result.Handshake?.Succeeded);
        Assert.Equal(0, host.Gets());
        Assert.Equal("push-1", host.Configuration["Db:Password"]);
    }
}

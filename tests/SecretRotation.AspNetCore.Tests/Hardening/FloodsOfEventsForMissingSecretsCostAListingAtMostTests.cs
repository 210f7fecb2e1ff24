using SecretRotation.Testing;

namespace SecretRotation.AspNetCore.Tests.Hardening;

/// <summary>Deliveries naming thousands of secrets that do not exist cost a listing at most, not a GET per name.</summary>
public sealed class FloodsOfEventsForMissingSecretsCostAListingAtMostTests
{
    [Fact]
    public async Task TenDeliveriesOfFifteenHundredMissingSecretsCostAtMostTwoListPagesAndNoGet()
    {
        await using var host = await EventsHost.StartAsync();
        var deliverer = new EventGridDeliverer(host.Client, new Uri("/events", UriKind.Relative), new EventGridDeliveryOptions
        {
            QueryString = $"code={EventsHost.Key}",
            MaxEventsPerBatch = 1_500,
            MaxAttempts = 1,
        });
        var options = new KeyVaultEventOptions { VaultUri = host.Vault.VaultUri };

        for (var delivery = 0; delivery < 10; delivery++)
        {
            var events = Enumerable.Range(0, 1_500)
                .Select(i => KeyVaultEvents.SecretNewVersionCreated("vault", $"missing-{delivery}-{i}", $"{delivery:x16}{i:x16}", options))
                .ToArray();

            var result = await deliverer.DeliverAsync(events);

            Assert.True(result.Delivered);
            Assert.All(result.Attempts, attempt => Assert.Equal(200, attempt.StatusCode));
        }

        Assert.InRange(host.Lists(), 0, 2);
        Assert.Equal(0, host.Gets());
        Assert.Equal(0, host.Reloads);
        Assert.Equal("push-1", host.Configuration["Db:Password"]);
    }
}

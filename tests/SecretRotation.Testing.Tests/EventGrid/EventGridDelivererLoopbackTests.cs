using System.Net;
using System.Net.Sockets;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The deliverer against a real loopback Kestrel webhook: what actually crosses the socket, and a refused connection.</summary>
public sealed class EventGridDelivererLoopbackTests
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task EventGridSchemaDeliveriesArriveOverHttpAsSent()
    {
        await using var webhook = await LoopbackWebhook.StartAsync(_timeout);
        using var client = new HttpClient();
        var options = new EventGridDeliveryOptions { QueryString = "code=shared%2Bkey" };
        options.Headers["Authorization"] = "Bearer token";
        var deliverer = new EventGridDeliverer(client, new Uri(webhook.Address, "/api/events"), options);
        var secret = KeyVaultEvents.SecretNewVersionCreated("kv", "db", "v2", new KeyVaultEventOptions
        {
            TimestampFormat = KeyVaultTimestampFormat.NumericString,
            NotBefore = DateTimeOffset.FromUnixTimeSeconds(1559081980),
        });

        var result = await deliverer.DeliverAsync([secret, TestEvents.Create("other")], _timeout);

        Assert.True(result.Delivered);
        var requests = webhook.Requests;
        Assert.Equal(3, requests.Count);
        Assert.True(requests[0].IsValidation);
        Assert.All(requests, request =>
        {
            Assert.Equal("POST", request.Method);
            Assert.Equal("/api/events", request.Uri.AbsolutePath);
            Assert.Equal("?code=shared%2Bkey", request.Uri.Query);
            Assert.Equal("Bearer token", request.Header("Authorization"));
            Assert.Equal("application/json; charset=utf-8", request.ContentType);
            Assert.Equal("SECRET-ROTATION", request.Header("aeg-subscription-name"));
            Assert.Equal("0", request.Header("aeg-delivery-count"));
        });
        Assert.Equal([["" + secret.Id], ["other"]], requests.Skip(1).Select(request => request.EventIds));
        Assert.Contains("\"NBF\":\"1559081980\",\"EXP\":null", requests[1].Body, StringComparison.Ordinal);
        Assert.Equal("Notification", requests[1].Header("aeg-event-type"));
        Assert.Equal("1", requests[1].Header("aeg-data-version"));
        Assert.Null(requests[1].Header("Origin"));
    }

    [Fact]
    public async Task CloudEventsDeliveriesArriveOverHttpAfterTheOptionsHandshake()
    {
        await using var webhook = await LoopbackWebhook.StartAsync(_timeout);
        using var client = new HttpClient { BaseAddress = webhook.Address };
        var deliverer = new EventGridDeliverer(client, new Uri("/hook", UriKind.Relative), new EventGridDeliveryOptions
        {
            Schema = EventGridSchema.CloudEvents,
            WebHookRequestRate = 120,
        });

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        Assert.Equal("*", result.Handshake?.AllowedRate);
        var requests = webhook.Requests;
        Assert.Equal(["OPTIONS", "POST"], requests.Select(request => request.Method));
        Assert.Equal("eventgrid.azure.net", requests[0].Header("WebHook-Request-Origin"));
        Assert.Equal("120", requests[0].Header("WebHook-Request-Rate"));
        Assert.Equal("application/cloudevents+json; charset=utf-8", requests[1].ContentType);
        Assert.Equal("eventgrid.azure.net", requests[1].Header("Origin"));
        Assert.Equal("1.0", requests[1].Header("aeg-metadata-version"));
        Assert.Equal(["a"], requests[1].EventIds);
    }

    [Fact]
    public async Task ARefusedConnectionIsRetriedAndReported()
    {
        using var client = new HttpClient();
        var deliverer = new EventGridDeliverer(client, new Uri($"http://127.0.0.1:{UnusedPort()}/events"), new EventGridDeliveryOptions
        {
            PerformHandshake = false,
            MaxAttempts = 2,
            RetrySchedule = [TimeSpan.FromMilliseconds(1)],
        });

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.False(result.Delivered);
        Assert.Equal([0, 1], result.Attempts.Select(attempt => attempt.DeliveryCount));
        Assert.All(result.Attempts, attempt =>
        {
            Assert.Null(attempt.StatusCode);
            Assert.StartsWith("The request failed", attempt.Error, StringComparison.Ordinal);
        });
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

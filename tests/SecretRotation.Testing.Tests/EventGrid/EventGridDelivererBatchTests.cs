using System.Text.Json;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>How events are split into requests, duplicated and reordered, and which ones a result names as undelivered.</summary>
public sealed class EventGridDelivererBatchTests
{
    private static readonly Uri s_endpoint = new("https://receiver.example/api/events");

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task ByDefaultEachEventGoesInItsOwnRequestAsAOneElementArrayInOrder()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b"), TestEvents.Create("c")], _timeout);

        Assert.True(result.Delivered);
        var deliveries = handler.Notifications;
        Assert.Equal([["a"], ["b"], ["c"]], deliveries.Select(delivery => delivery.EventIds));
        Assert.All(deliveries, delivery => Assert.Equal(JsonValueKind.Array, delivery.Json.ValueKind));
        Assert.Equal(3, deliveries.Select(delivery => delivery.Header("aeg-output-event-id")).Distinct().Count());
    }

    [Fact]
    public async Task MaxEventsPerBatchGroupsEventsInOrder()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { MaxEventsPerBatch = 2 });

        var result = await deliverer.DeliverAsync(new[] { "a", "b", "c", "d", "e" }.Select(TestEvents.Create), _timeout);

        Assert.True(result.Delivered);
        Assert.Equal([["a", "b"], ["c", "d"], ["e"]], handler.Notifications.Select(delivery => delivery.EventIds));
        Assert.Equal([["a", "b"], ["c", "d"], ["e"]], result.Attempts.Select(attempt => attempt.EventIds));
    }

    [Fact]
    public async Task DuplicateEventsRedeliversEachRequestWithTheNextDeliveryCount()
    {
        var failures = 1;
        using var handler = new RecordingHandler(request => request.IsNotification && request.EventIds[0] == "b" && failures-- > 0 ? RecordingHandler.Status(500) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { DuplicateEvents = true });

        var result = await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b")], _timeout);

        Assert.True(result.Delivered);
        Assert.Equal(["a", "a", "b", "b", "b"], result.Attempts.Select(attempt => attempt.EventIds.Single()));
        Assert.Equal([0, 1, 0, 1, 2], result.Attempts.Select(attempt => attempt.DeliveryCount));
        Assert.Equal([false, true, false, false, true], result.Attempts.Select(attempt => attempt.IsDuplicate));
        var deliveries = handler.Notifications;
        Assert.Equal(deliveries[0].Body, deliveries[1].Body);
        Assert.Equal(deliveries[0].Header("aeg-output-event-id"), deliveries[1].Header("aeg-output-event-id"));
        Assert.Equal(["0", "1", "0", "1", "2"], deliveries.Select(delivery => delivery.Header("aeg-delivery-count")));
    }

    [Fact]
    public async Task ReorderEventsSendsThemInReverse()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { ReorderEvents = true });

        await deliverer.DeliverAsync(new[] { "v1", "v2", "v3" }.Select(TestEvents.Create), _timeout);

        Assert.Equal([["v3"], ["v2"], ["v1"]], handler.Notifications.Select(delivery => delivery.EventIds));
    }

    [Fact]
    public async Task ReorderEventsAlsoReversesTheEventsInsideABatch()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { ReorderEvents = true, MaxEventsPerBatch = 10 });

        await deliverer.DeliverAsync(new[] { "v1", "v2", "v3" }.Select(TestEvents.Create), _timeout);

        Assert.Equal(["v3", "v2", "v1"], Assert.Single(handler.Notifications).EventIds);
    }

    [Fact]
    public async Task OnlyTheEventsOfFailedRequestsAreUndeliveredInTheOrderGiven()
    {
        using var handler = new RecordingHandler(request => request.IsNotification && request.EventIds.Contains("c") ? RecordingHandler.Status(500) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions
        {
            MaxEventsPerBatch = 2,
            ReorderEvents = true,
            MaxAttempts = 2,
            RetrySchedule = [TimeSpan.FromMilliseconds(1)],
        });

        var result = await deliverer.DeliverAsync(new[] { "a", "b", "c", "d", "e" }.Select(TestEvents.Create), _timeout);

        Assert.False(result.Delivered);
        Assert.Equal(["b", "c"], result.UndeliveredEventIds);
        Assert.Equal([["e", "d"], ["c", "b"], ["c", "b"], ["a"]], result.Attempts.Select(attempt => attempt.EventIds));
        Assert.Equal([200, 500, 500, 200], result.Attempts.Select(attempt => attempt.StatusCode));
    }

    [Fact]
    public async Task NoEventsMeansNoDeliveryButTheHandshakeStillHappens()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync([], _timeout);

        Assert.True(result.Delivered);
        Assert.Empty(result.Attempts);
        Assert.True(Assert.Single(handler.Requests).IsValidation);
    }

    [Fact]
    public async Task ANullEventIsRejected()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        await Assert.ThrowsAsync<ArgumentException>(() => deliverer.DeliverAsync([TestEvents.Create("a"), null!], _timeout));
        Assert.Empty(handler.Requests);
    }
}

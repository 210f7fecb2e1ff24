using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>Retries: which answers are retried, the compressed schedule and its clock, delivery counts, attempt limits, timeouts and cancellation.</summary>
public sealed class EventGridDelivererRetryTests
{
    private static readonly Uri s_endpoint = new("https://receiver.example/api/events");

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public void TheCompressedScheduleIsTheDocumentedOneAThousandTimesFaster()
    {
        TimeSpan[] documented =
        [
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
            TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
        ];

        Assert.Equal(documented.Select(step => step / 1000), EventGridDeliveryOptions.CompressedRetrySchedule);
        Assert.Same(EventGridDeliveryOptions.CompressedRetrySchedule, new EventGridDeliveryOptions().RetrySchedule);
        Assert.Equal(5, new EventGridDeliveryOptions().MaxAttempts);
    }

    [Fact]
    public async Task FailuresAreRetriedOnTheScheduleWithDeliveryCountsFromZero()
    {
        var answers = new Queue<int>([500, 503, 429, 200]);
        using var handler = new RecordingHandler(request => request.IsNotification ? RecordingHandler.Status(answers.Dequeue()) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);
        var stopwatch = Stopwatch.StartNew();

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        stopwatch.Stop();
        Assert.True(result.Delivered);
        Assert.Equal([0, 1, 2, 3], result.Attempts.Select(attempt => attempt.DeliveryCount));
        Assert.Equal([500, 503, 429, 200], result.Attempts.Select(attempt => attempt.StatusCode));
        Assert.Equal([false, false, false, true], result.Attempts.Select(attempt => attempt.Succeeded));
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(60)],
            result.Attempts.Select(attempt => attempt.Delay));
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(95), $"The retries took {stopwatch.Elapsed.TotalMilliseconds} ms.");
        var deliveries = handler.Notifications;
        Assert.Equal([0, 1, 2, 3], deliveries.Select(delivery => delivery.DeliveryCount));
        Assert.Single(deliveries.Select(delivery => delivery.Header("aeg-output-event-id")).Distinct());
        Assert.Single(deliveries.Select(delivery => delivery.Body).Distinct());
        Assert.All(result.Attempts, attempt => Assert.Equal(["a"], attempt.EventIds));
    }

    [Fact]
    public async Task DeliveryIsGivenUpAfterMaxAttemptsAndTheLastStepRepeats()
    {
        using var handler = new RecordingHandler(request => request.IsNotification ? RecordingHandler.Status(500) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions
        {
            MaxAttempts = 4,
            RetrySchedule = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)],
        });

        var result = await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b")], _timeout);

        Assert.False(result.Delivered);
        Assert.Equal(["a", "b"], result.UndeliveredEventIds);
        Assert.Equal(8, result.Attempts.Count);
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], result.Attempts.Select(attempt => attempt.DeliveryCount));
        var delays = new[] { 0, 1, 2, 2 }.Select(milliseconds => TimeSpan.FromMilliseconds(milliseconds)).ToArray();
        Assert.Equal([.. delays, .. delays], result.Attempts.Select(attempt => attempt.Delay));
        Assert.Equal(8, handler.Notifications.Count);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(202)]
    [InlineData(203)]
    [InlineData(204)]
    public async Task EverySuccessCodeDeliversAtOnce(int status)
    {
        using var handler = new RecordingHandler(request => request.IsNotification ? RecordingHandler.Status(status) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        Assert.Equal(status, Assert.Single(result.Attempts).StatusCode);
    }

    [Theory]
    [InlineData(205)]
    [InlineData(302)]
    [InlineData(404)]
    [InlineData(408)]
    [InlineData(500)]
    public async Task OtherStatusesAreRetried(int status)
    {
        var failures = 1;
        using var handler = new RecordingHandler(request => request.IsNotification && failures-- > 0 ? RecordingHandler.Status(status) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { PerformHandshake = false });

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        Assert.Equal([status, 200], result.Attempts.Select(attempt => attempt.StatusCode));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(413)]
    public async Task TheDocumentedNonRetriableStatusesDropTheEventsAtOnce(int status)
    {
        using var handler = new RecordingHandler(request => request.IsNotification ? RecordingHandler.Status(status) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b")], _timeout);

        Assert.False(result.Delivered);
        Assert.Equal(["a", "b"], result.UndeliveredEventIds);
        Assert.Equal([status, status], result.Attempts.Select(attempt => attempt.StatusCode));
        Assert.Equal([0, 0], result.Attempts.Select(attempt => attempt.DeliveryCount));
    }

    [Fact]
    public async Task ClearingTheNonRetriableSetRetriesEveryFailure()
    {
        var failures = 2;
        using var handler = new RecordingHandler(request => request.IsNotification && failures-- > 0 ? RecordingHandler.Status(401) : null);
        using var client = new HttpClient(handler);
        var options = new EventGridDeliveryOptions();
        options.NonRetriableStatusCodes.Clear();
        var deliverer = new EventGridDeliverer(client, s_endpoint, options);

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        Assert.Equal([401, 401, 200], result.Attempts.Select(attempt => attempt.StatusCode));
    }

    [Fact]
    public async Task ConnectionErrorsAreRetried()
    {
        var failures = 1;
        using var handler = new RecordingHandler(request =>
            request.IsNotification && failures-- > 0 ? throw new HttpRequestException("Connection refused (127.0.0.1:1)") : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        var failed = result.Attempts[0];
        Assert.Null(failed.StatusCode);
        Assert.False(failed.Succeeded);
        Assert.Contains("Connection refused", failed.Error, StringComparison.Ordinal);
        Assert.Null(result.Attempts[1].Error);
        Assert.Equal([0, 1], result.Attempts.Select(attempt => attempt.DeliveryCount));
    }

    [Fact]
    public async Task ANoAnswerWithinTheResponseTimeoutIsAFailedAttempt()
    {
        var hangs = 1;
        using var handler = new RecordingHandler(async (request, cancellationToken) =>
        {
            if (request.IsNotification && Interlocked.Decrement(ref hangs) >= 0)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return null;
        });
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { ResponseTimeout = TimeSpan.FromMilliseconds(50) });

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        Assert.Null(result.Attempts[0].StatusCode);
        Assert.Contains("response timeout", result.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(200, result.Attempts[1].StatusCode);
    }

    [Fact]
    public async Task RetryWaitsRunOnTheGivenTimeProvider()
    {
        var time = new FakeTimeProvider();
        var failures = 2;
        using var handler = new RecordingHandler(request => failures-- > 0 ? RecordingHandler.Status(503) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { PerformHandshake = false, TimeProvider = time });

        var delivery = deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);
        await handler.WaitForRequestsAsync(1, _timeout);
        time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Single(handler.Requests);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await handler.WaitForRequestsAsync(2, _timeout);
        time.Advance(TimeSpan.FromMilliseconds(29));
        Assert.Equal(2, handler.Requests.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await delivery.WithTimeout("the third attempt");

        Assert.True(result.Delivered);
        Assert.Equal([503, 503, 200], result.Attempts.Select(attempt => attempt.StatusCode));
    }

    [Fact]
    public async Task CancellationStopsARetryWait()
    {
        var time = new FakeTimeProvider();
        using var handler = new RecordingHandler(_ => RecordingHandler.Status(500));
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { PerformHandshake = false, TimeProvider = time });
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_timeout);

        var delivery = deliverer.DeliverAsync(TestEvents.Create("a"), cancellation.Token);
        await handler.WaitForRequestsAsync(1, _timeout);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery);
        Assert.Single(handler.Requests);
    }
}

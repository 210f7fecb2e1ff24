using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>Endpoint validation in both schemas: the validation event and its echo, the CloudEvents OPTIONS consent, failures and when it is repeated.</summary>
public sealed class EventGridDelivererHandshakeTests
{
    private static readonly Uri s_endpoint = new("https://receiver.example/api/events");

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task EchoingTheValidationCodeCompletesTheHandshakeOnceForAllDeliveries()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var handshake = await deliverer.HandshakeAsync(_timeout);
        var first = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);
        var second = await deliverer.DeliverAsync(TestEvents.Create("b"), _timeout);

        Assert.True(handshake.Succeeded);
        Assert.Equal(EventGridSchema.EventGrid, handshake.Schema);
        Assert.Equal(200, handshake.StatusCode);
        Assert.Null(handshake.Failure);
        Assert.Equal(handshake.ValidationCode, Assert.Single(handler.Requests, request => request.IsValidation).ValidationCode);
        Assert.Same(handshake, first.Handshake);
        Assert.Same(handshake, second.Handshake);
        Assert.True(first.Delivered);
        Assert.True(second.Delivered);
        Assert.Equal([false, true, true], handler.Requests.Select(request => request.IsNotification));
    }

    [Fact]
    public async Task TheFirstDeliveryValidatesTheEndpointBeforeSendingEvents()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b")], _timeout);

        Assert.True(result.Handshake?.Succeeded);
        Assert.Equal(["SubscriptionValidation", "Notification", "Notification"], handler.Requests.Select(request => request.AegEventType));
    }

    [Theory]
    [InlineData("wrong-code")]
    [InlineData("202")]
    [InlineData("empty-200")]
    [InlineData("pascal-case")]
    [InlineData("not-json")]
    [InlineData("500")]
    public async Task AWrongOrMissingEchoFailsTheHandshakeAndNothingIsDelivered(string answer)
    {
        using var handler = new RecordingHandler(request => request.IsValidation
            ? answer switch
            {
                "wrong-code" => RecordingHandler.Json(200, """{"validationResponse":"not-the-code"}"""),
                "202" => RecordingHandler.Json(202, $$"""{"validationResponse":"{{request.ValidationCode}}"}"""),
                "empty-200" => RecordingHandler.Status(200),
                "pascal-case" => RecordingHandler.Json(200, $$"""{"ValidationResponse":"{{request.ValidationCode}}"}"""),
                "not-json" => RecordingHandler.Json(200, request.ValidationCode),
                _ => RecordingHandler.Status(500),
            }
            : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b")], _timeout);

        Assert.False(result.Delivered);
        Assert.NotNull(result.Handshake);
        Assert.False(result.Handshake.Succeeded);
        Assert.False(string.IsNullOrEmpty(result.Handshake.Failure));
        Assert.Empty(result.Attempts);
        Assert.Equal(["a", "b"], result.UndeliveredEventIds);
        Assert.Empty(handler.Notifications);
    }

    [Fact]
    public async Task AWrongEchoIsReportedWithBothValues()
    {
        using var handler = new RecordingHandler(request => request.IsValidation ? RecordingHandler.Json(200, """{"validationResponse":"nope"}""") : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var handshake = await deliverer.HandshakeAsync(_timeout);

        Assert.False(handshake.Succeeded);
        Assert.Equal(200, handshake.StatusCode);
        Assert.Contains("'nope'", handshake.Failure, StringComparison.Ordinal);
        Assert.Contains(handshake.ValidationCode!, handshake.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedHandshakeIsTriedAgainByTheNextDelivery()
    {
        var refusals = 1;
        using var handler = new RecordingHandler(request => request.IsValidation && refusals-- > 0 ? RecordingHandler.Status(404) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var refused = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);
        var accepted = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.False(refused.Delivered);
        Assert.Equal(404, refused.Handshake?.StatusCode);
        Assert.True(accepted.Delivered);
        Assert.True(accepted.Handshake?.Succeeded);
        Assert.Equal(2, handler.Requests.Count(request => request.IsValidation));
        Assert.Single(handler.Notifications);
    }

    [Fact]
    public async Task AConnectionErrorDuringTheHandshakeIsReportedNotThrown()
    {
        using var handler = new RecordingHandler(_ => throw new HttpRequestException("Connection refused"));
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.False(result.Delivered);
        Assert.Null(result.Handshake?.StatusCode);
        Assert.Contains("Connection refused", result.Handshake?.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheHandshakeOffEventsGoStraightOut()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { PerformHandshake = false });

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        Assert.Null(result.Handshake);
        Assert.True(Assert.Single(handler.Requests).IsNotification);
    }

    [Fact]
    public async Task CloudEventsAskForConsentWithAnOptionsRequest()
    {
        using var handler = new RecordingHandler(request => request.Method == "OPTIONS" ? RecordingHandler.Consent("eventgrid.azure.net", "*") : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { Schema = EventGridSchema.CloudEvents });

        var result = await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b")], _timeout);

        Assert.True(result.Delivered);
        var handshake = result.Handshake!;
        Assert.True(handshake.Succeeded);
        Assert.Equal(EventGridSchema.CloudEvents, handshake.Schema);
        Assert.Equal("eventgrid.azure.net", handshake.AllowedOrigin);
        Assert.Equal("*", handshake.AllowedRate);
        Assert.Null(handshake.ValidationCode);
        var options = handler.Requests[0];
        Assert.Equal("OPTIONS", options.Method);
        Assert.Equal(s_endpoint, options.Uri);
        Assert.Equal("eventgrid.azure.net", options.Header("WebHook-Request-Origin"));
        Assert.Null(options.Header("WebHook-Request-Rate"));
        Assert.Null(options.Header("aeg-event-type"));
        Assert.Equal("", options.Body);
        Assert.Equal(["OPTIONS", "POST", "POST"], handler.Requests.Select(request => request.Method));
        Assert.All(handler.Notifications, delivery => Assert.Equal("eventgrid.azure.net", delivery.Header("Origin")));
    }

    [Fact]
    public async Task AWildcardOriginWithoutARateIsConsentWhenNoRateWasAsked()
    {
        using var handler = new RecordingHandler(request => request.Method == "OPTIONS" ? RecordingHandler.Consent("*") : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { Schema = EventGridSchema.CloudEvents });

        var handshake = await deliverer.HandshakeAsync(_timeout);

        Assert.True(handshake.Succeeded);
        Assert.Equal("*", handshake.AllowedOrigin);
        Assert.Null(handshake.AllowedRate);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("100", true)]
    [InlineData("*", true)]
    [InlineData("0", false)]
    [InlineData("fast", false)]
    public async Task AnAskedRateMustBeAnsweredWithAValidAllowedRate(string? allowedRate, bool consented)
    {
        using var handler = new RecordingHandler(request => request.Method == "OPTIONS" ? RecordingHandler.Consent("eventgrid.azure.net", allowedRate) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { Schema = EventGridSchema.CloudEvents, WebHookRequestRate = 120 });

        var handshake = await deliverer.HandshakeAsync(_timeout);

        Assert.Equal("120", Assert.Single(handler.Requests).Header("WebHook-Request-Rate"));
        Assert.Equal(consented, handshake.Succeeded);
        Assert.Equal(allowedRate, handshake.AllowedRate);
        Assert.Equal(consented, handshake.Failure is null);
    }

    [Theory]
    [InlineData(null, 200)]
    [InlineData("other.example", 200)]
    [InlineData("eventgrid.azure.net", 405)]
    [InlineData("*", 500)]
    public async Task WithoutTheRightAllowedOriginOnASuccessStatusThereIsNoConsent(string? allowedOrigin, int status)
    {
        using var handler = new RecordingHandler(request => request.Method == "OPTIONS" ? RecordingHandler.Consent(allowedOrigin, "*", status) : null);
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { Schema = EventGridSchema.CloudEvents });

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.False(result.Delivered);
        Assert.False(result.Handshake?.Succeeded);
        Assert.Equal(status, result.Handshake?.StatusCode);
        Assert.Equal(allowedOrigin, result.Handshake?.AllowedOrigin);
        Assert.Single(handler.Requests);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>What the deliverer puts on the wire, checked through a recording handler: envelopes byte for byte, content types, headers, URL.</summary>
public sealed class EventGridDelivererWireTests
{
    private const string DocsEventId = "00eccf70-95a7-4e7c-8299-2eb17ee9ad64";
    private const string DocsVersion = "ee059b2bb5bc48398a53b168c6cdcb10";
    private const string DocsTopic = $"/subscriptions/{Subscription}/resourceGroups/sample-rg/providers/Microsoft.KeyVault/vaults/sample-kv";
    private const string Subscription = "11111111-2222-3333-4444-555555555555";
    private const string DocsData =
        $$"""{"Id":"https://sample-kv.vault.azure.net/secrets/newsecret/{{DocsVersion}}","VaultName":"sample-kv","ObjectType":"Secret","ObjectName":"newsecret","Version":"{{DocsVersion}}","NBF":1559081980,"EXP":1559082102}""";

    private static readonly Uri s_endpoint = new("https://receiver.example/api/events");

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task AnEventGridDeliveryIsAOneElementArrayWithTheDocumentedFieldsAndHeaders()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint);

        var result = await deliverer.DeliverAsync(DocsSampleEvent(), _timeout);

        Assert.True(result.Delivered);
        var delivery = Assert.Single(handler.Notifications);
        Assert.Equal("POST", delivery.Method);
        Assert.Equal(s_endpoint, delivery.Uri);
        Assert.Equal("application/json; charset=utf-8", delivery.ContentType);
        Assert.Equal(
            $$"""[{"id":"{{DocsEventId}}","topic":"{{DocsTopic}}","subject":"newsecret","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"2019-07-25T01:08:33.1036736Z","data":{{DocsData}},"dataVersion":"1","metadataVersion":"1"}]""",
            delivery.Body);
        Assert.Equal("Notification", delivery.Header("aeg-event-type"));
        Assert.Equal("SECRET-ROTATION", delivery.Header("aeg-subscription-name"));
        Assert.Equal("0", delivery.Header("aeg-delivery-count"));
        Assert.Equal("1", delivery.Header("aeg-metadata-version"));
        Assert.Equal("1", delivery.Header("aeg-data-version"));
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(attempt.OutputEventId, delivery.Header("aeg-output-event-id"));
        Assert.True(Guid.TryParse(attempt.OutputEventId, out _));
        Assert.NotEqual(DocsEventId, attempt.OutputEventId);
        Assert.Null(delivery.Header("Origin"));
    }

    [Fact]
    public async Task TheValidationEventHasTheDocumentedShapeAndHeaders()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { SubscriptionName = "kv-push" });

        var handshake = await deliverer.HandshakeAsync(_timeout);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal("SubscriptionValidation", request.Header("aeg-event-type"));
        Assert.Equal("KV-PUSH", request.Header("aeg-subscription-name"));
        Assert.Equal("0", request.Header("aeg-delivery-count"));
        Assert.Equal("1", request.Header("aeg-metadata-version"));
        var root = request.Json;
        Assert.Equal(JsonValueKind.Array, root.ValueKind);
        var validation = Assert.Single(root.EnumerateArray());
        Assert.Equal(
            ["id", "topic", "subject", "data", "eventType", "eventTime", "metadataVersion", "dataVersion"],
            validation.EnumerateObject().Select(property => property.Name));
        Assert.Equal("Microsoft.EventGrid.SubscriptionValidationEvent", validation.GetProperty("eventType").GetString());
        Assert.Equal("", validation.GetProperty("subject").GetString());
        Assert.StartsWith("/subscriptions/", validation.GetProperty("topic").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", validation.GetProperty("eventTime").GetString());
        Assert.Equal("1", validation.GetProperty("metadataVersion").GetString());
        Assert.Equal("1", validation.GetProperty("dataVersion").GetString());
        var data = validation.GetProperty("data");
        Assert.Equal(["validationCode", "validationUrl"], data.EnumerateObject().Select(property => property.Name));
        Assert.Equal(handshake.ValidationCode, data.GetProperty("validationCode").GetString());
        Assert.True(Guid.TryParse(handshake.ValidationCode, out _));
        var validationUrl = new Uri(data.GetProperty("validationUrl").GetString()!);
        Assert.Equal("https", validationUrl.Scheme);
        Assert.Equal(553, validationUrl.Port);
        Assert.Contains("/eventsubscriptions/KV-PUSH/validate", validationUrl.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventTimeIsWrittenInUtcWithSevenFractionalDigits()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { MaxEventsPerBatch = 2 });
        var wholeSecond = new DateTimeOffset(2026, 3, 1, 14, 5, 6, TimeSpan.FromHours(2));
        var withTicks = new DateTimeOffset(2026, 3, 1, 12, 5, 6, TimeSpan.Zero).AddTicks(1);

        await deliverer.DeliverAsync([TestEvents.Create("a") with { Time = wholeSecond }, TestEvents.Create("b") with { Time = withTicks }], _timeout);

        var events = Assert.Single(handler.Notifications).Json.EnumerateArray().ToArray();
        Assert.Equal("2026-03-01T12:05:06.0000000Z", events[0].GetProperty("eventTime").GetString());
        Assert.Equal("2026-03-01T12:05:06.0000001Z", events[1].GetProperty("eventTime").GetString());
    }

    [Fact]
    public async Task OneCloudEventIsAnObjectWithTheStructuredContentTypeAndTheOriginHeader()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { Schema = EventGridSchema.CloudEvents });

        var result = await deliverer.DeliverAsync(DocsSampleEvent(), _timeout);

        Assert.True(result.Delivered);
        var delivery = Assert.Single(handler.Notifications);
        Assert.Equal("application/cloudevents+json; charset=utf-8", delivery.ContentType);
        Assert.Equal(
            $$"""{"id":"{{DocsEventId}}","source":"{{DocsTopic}}","subject":"newsecret","type":"Microsoft.KeyVault.SecretNewVersionCreated","time":"2019-07-25T01:08:33.1036736Z","data":{{DocsData}},"specversion":"1.0","datacontenttype":"application/json"}""",
            delivery.Body);
        Assert.Equal("eventgrid.azure.net", delivery.Header("Origin"));
        Assert.Equal("Notification", delivery.Header("aeg-event-type"));
        Assert.Equal("SECRET-ROTATION", delivery.Header("aeg-subscription-name"));
        Assert.Equal("0", delivery.Header("aeg-delivery-count"));
        Assert.Equal("1.0", delivery.Header("aeg-metadata-version"));
        Assert.Null(delivery.Header("aeg-data-version"));
        Assert.Equal(result.Attempts[0].OutputEventId, delivery.Header("aeg-output-event-id"));
    }

    [Fact]
    public async Task SeveralCloudEventsAreABatchArrayWithTheBatchContentType()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { Schema = EventGridSchema.CloudEvents, MaxEventsPerBatch = 3 });

        await deliverer.DeliverAsync([TestEvents.Create("a"), TestEvents.Create("b")], _timeout);

        var delivery = Assert.Single(handler.Notifications);
        Assert.Equal("application/cloudevents-batch+json; charset=utf-8", delivery.ContentType);
        Assert.Equal(JsonValueKind.Array, delivery.Json.ValueKind);
        Assert.Equal(["a", "b"], delivery.EventIds);
        foreach (var item in delivery.Json.EnumerateArray())
        {
            Assert.Equal(
                ["id", "source", "subject", "type", "time", "data", "specversion", "datacontenttype"],
                item.EnumerateObject().Select(property => property.Name));
        }
    }

    [Fact]
    public async Task TheQueryStringAndExtraHeadersGoOnEveryRequestIncludingHandshakeAndRetries()
    {
        var failures = 1;
        using var handler = new RecordingHandler(request => request.IsNotification && failures-- > 0 ? RecordingHandler.Status(500) : null);
        using var client = new HttpClient(handler);
        var options = new EventGridDeliveryOptions { QueryString = "?code=s3cr%2Bt" };
        options.Headers["Authorization"] = "Bearer header.payload.signature";
        options.Headers["X-Delivery-Property"] = "blue";
        var deliverer = new EventGridDeliverer(client, new Uri("https://receiver.example/api/events?tenant=a"), options);

        var result = await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.True(result.Delivered);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(new Uri("https://receiver.example/api/events?tenant=a&code=s3cr%2Bt"), deliverer.Endpoint);
        Assert.All(handler.Requests, request =>
        {
            Assert.Equal("?tenant=a&code=s3cr%2Bt", request.Uri.Query);
            Assert.Equal("Bearer header.payload.signature", request.Header("Authorization"));
            Assert.Equal("blue", request.Header("X-Delivery-Property"));
        });
    }

    [Fact]
    public async Task TheCloudEventsOptionsRequestAlsoCarriesTheQueryStringAndHeaders()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var options = new EventGridDeliveryOptions { Schema = EventGridSchema.CloudEvents, QueryString = "code=abc" };
        options.Headers["Authorization"] = "Bearer t";
        var deliverer = new EventGridDeliverer(client, s_endpoint, options);

        await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.Equal(["OPTIONS", "POST"], handler.Requests.Select(request => request.Method));
        Assert.All(handler.Requests, request =>
        {
            Assert.Equal("?code=abc", request.Uri.Query);
            Assert.Equal("Bearer t", request.Header("Authorization"));
        });
    }

    [Fact]
    public async Task AnExtraContentTypeHeaderReplacesTheDeliverersOwn()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var options = new EventGridDeliveryOptions { PerformHandshake = false };
        options.Headers["Content-Type"] = "text/plain";
        var deliverer = new EventGridDeliverer(client, s_endpoint, options);

        await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.Equal("text/plain", Assert.Single(handler.Requests).ContentType);
    }

    [Fact]
    public async Task DataIsSentExactlyAsGiven()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler);
        var deliverer = new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { PerformHandshake = false });
        const string quirky = """{"ObjectName ":"newsecret","Version":" ee05","NBF":"1559081980","Nested":[1,2.50,null,true]}""";

        await deliverer.DeliverAsync([TestEvents.Create("a") with { Data = JsonNode.Parse(quirky), DataVersion = "2" }, TestEvents.Create("b") with { Data = null }], _timeout);

        var requests = handler.Requests;
        Assert.Contains($"\"data\":{quirky},\"dataVersion\":\"2\"", requests[0].Body, StringComparison.Ordinal);
        Assert.Equal("2", requests[0].Header("aeg-data-version"));
        Assert.Contains("\"data\":null,", requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARelativeEndpointIsResolvedAgainstTheBaseAddress()
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:5000/app/") };
        var deliverer = new EventGridDeliverer(client, new Uri("events", UriKind.Relative), new EventGridDeliveryOptions { QueryString = "code=k" });

        await deliverer.DeliverAsync(TestEvents.Create("a"), _timeout);

        Assert.Equal(new Uri("http://127.0.0.1:5000/app/events?code=k"), deliverer.Endpoint);
        Assert.All(handler.Requests, request => Assert.Equal(deliverer.Endpoint, request.Uri));
    }

    [Fact]
    public void InvalidSettingsAreRejectedUpFront()
    {
        using var client = new HttpClient();
        var relative = new Uri("events", UriKind.Relative);

        Assert.Throws<ArgumentException>(() => new EventGridDeliverer(client, relative));
        Assert.ThrowsAny<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { MaxAttempts = 0 }));
        Assert.ThrowsAny<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { MaxEventsPerBatch = 5001 }));
        Assert.ThrowsAny<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { RetrySchedule = [] }));
        Assert.ThrowsAny<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { RetrySchedule = [TimeSpan.FromSeconds(-1)] }));
        Assert.ThrowsAny<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { SubscriptionName = " " }));
        Assert.ThrowsAny<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { WebHookRequestRate = 0 }));
        Assert.ThrowsAny<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, new EventGridDeliveryOptions { ResponseTimeout = TimeSpan.Zero }));
        var badHeader = new EventGridDeliveryOptions();
        badHeader.Headers["Bad Name"] = "x";
        Assert.Throws<ArgumentException>(() => new EventGridDeliverer(client, s_endpoint, badHeader));
    }

    private static EventGridTestEvent DocsSampleEvent() =>
        KeyVaultEvents.SecretNewVersionCreated("sample-kv", "newsecret", DocsVersion, new KeyVaultEventOptions
        {
            EventId = DocsEventId,
            AzureSubscriptionId = Subscription,
            ResourceGroup = "sample-rg",
            EventTime = new DateTimeOffset(2019, 7, 25, 1, 8, 33, TimeSpan.Zero).AddTicks(1036736),
            NotBefore = DateTimeOffset.FromUnixTimeSeconds(1559081980),
            Expires = DateTimeOffset.FromUnixTimeSeconds(1559082102),
        });

}

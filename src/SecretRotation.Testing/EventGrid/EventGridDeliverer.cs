using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>
/// Delivers events to a webhook the way Azure Event Grid does, so a receiving endpoint can be tested over real HTTP (a loopback server)
/// or through any <see cref="HttpMessageHandler"/>: endpoint validation first, then one POST per batch with the <c>aeg-*</c> headers,
/// retried on failure with Event Grid's schedule compressed.
/// </summary>
/// <remarks>
/// <para>Validation, once per deliverer (and again after a failed one): under <see cref="EventGridSchema.EventGrid"/> a one-element array
/// holding a <c>Microsoft.EventGrid.SubscriptionValidationEvent</c> with <c>data {validationCode, validationUrl}</c> and
/// <c>aeg-event-type: SubscriptionValidation</c>, which must be answered 200 with <c>{"validationResponse":"&lt;validationCode&gt;"}</c>
/// (the asynchronous handshake through <c>validationUrl</c> is not emulated; the URL is made up). Under
/// <see cref="EventGridSchema.CloudEvents"/> an <c>OPTIONS</c> request with <c>WebHook-Request-Origin: eventgrid.azure.net</c>, which must be
/// answered with <c>WebHook-Allowed-Origin</c>; CloudEvents deliveries then carry <c>Origin: eventgrid.azure.net</c>.</para>
/// <para>Every delivery carries <c>aeg-event-type: Notification</c>, <c>aeg-subscription-name</c> (upper case), <c>aeg-delivery-count</c>
/// (0 on the first attempt), <c>aeg-metadata-version</c> (<c>1</c>, or the spec version <c>1.0</c> under CloudEvents),
/// <c>aeg-data-version</c> (Event Grid schema only; the first event's <c>dataVersion</c>) and <c>aeg-output-event-id</c> (a GUID per
/// request, kept on its retries).</para>
/// <para>200-204 is success. Other statuses, connection errors and timeouts are retried after the waits of
/// <see cref="EventGridDeliveryOptions.RetrySchedule"/>, up to <see cref="EventGridDeliveryOptions.MaxAttempts"/>, except the
/// <see cref="EventGridDeliveryOptions.NonRetriableStatusCodes"/>, which drop the request's events at once. Requests go one at a time,
/// in order.</para>
/// <para>The deliverer does not own the <see cref="HttpClient"/>. It is safe to use from several threads.</para>
/// </remarks>
public sealed class EventGridDeliverer
{
    private static readonly HashSet<string> s_contentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length", "Content-Location",
        "Content-MD5", "Content-Range", "Content-Type", "Expires", "Last-Modified",
    };

    private readonly HttpClient _client;
    private readonly EventGridSchema _schema;
    private readonly bool _performHandshake;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly int _maxAttempts;
    private readonly TimeSpan[] _retrySchedule;
    private readonly HashSet<int> _nonRetriableStatusCodes;
    private readonly TimeSpan _responseTimeout;
    private readonly bool _duplicateEvents;
    private readonly bool _reorderEvents;
    private readonly int _maxEventsPerBatch;
    private readonly string _subscriptionName;
    private readonly int? _requestRate;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private Task<EventGridHandshakeResult>? _handshake;

    /// <summary>Creates a deliverer for one endpoint, as one event subscription.</summary>
    /// <param name="client">The client to send with, for example one for a loopback server or one over a recording handler. Not disposed by the deliverer.</param>
    /// <param name="endpoint">The webhook URL; a relative URL is resolved against <see cref="HttpClient.BaseAddress"/>.</param>
    /// <param name="options">The subscription settings and test knobs; default <see langword="null"/> for the defaults of <see cref="EventGridDeliveryOptions"/>.</param>
    /// <exception cref="ArgumentException">
    /// The endpoint is relative and the client has no base address, or an option is out of range (no attempts, an empty or negative retry
    /// schedule, a batch size outside 1-5000, an empty subscription name, a non-positive rate or timeout, an invalid header name).
    /// </exception>
    public EventGridDeliverer(HttpClient client, Uri endpoint, EventGridDeliveryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new EventGridDeliveryOptions();
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        ArgumentNullException.ThrowIfNull(options.RetrySchedule, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEventsPerBatch, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxEventsPerBatch, 5000, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.SubscriptionName, nameof(options));
        if (options.RetrySchedule.Count == 0 || options.RetrySchedule.Any(step => step < TimeSpan.Zero))
        {
            throw new ArgumentException("EventGridDeliveryOptions.RetrySchedule must have at least one step, none negative.", nameof(options));
        }

        if (options.ResponseTimeout <= TimeSpan.Zero && options.ResponseTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("EventGridDeliveryOptions.ResponseTimeout must be positive or Timeout.InfiniteTimeSpan.", nameof(options));
        }

        if (options.WebHookRequestRate is <= 0)
        {
            throw new ArgumentException("EventGridDeliveryOptions.WebHookRequestRate must be positive (requests per minute) or null.", nameof(options));
        }

        _client = client;
        _schema = options.Schema;
        _performHandshake = options.PerformHandshake;
        _headers = [.. options.Headers];
        ValidateHeaders(_headers);
        _maxAttempts = options.MaxAttempts;
        _retrySchedule = [.. options.RetrySchedule];
        _nonRetriableStatusCodes = [.. options.NonRetriableStatusCodes];
        _responseTimeout = options.ResponseTimeout;
        _duplicateEvents = options.DuplicateEvents;
        _reorderEvents = options.ReorderEvents;
        _maxEventsPerBatch = options.MaxEventsPerBatch;
        _subscriptionName = options.SubscriptionName.ToUpperInvariant();
        _requestRate = options.WebHookRequestRate;
        _timeProvider = options.TimeProvider;
        Endpoint = ResolveEndpoint(client, endpoint, options.QueryString);
    }

    /// <summary>The absolute URL every request goes to, <see cref="EventGridDeliveryOptions.QueryString"/> included.</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Validates the endpoint now, whatever <see cref="EventGridDeliveryOptions.PerformHandshake"/> says: the subscription validation event
    /// (Event Grid schema) or the <c>OPTIONS</c> request (CloudEvents). A success is remembered, so deliveries do not validate again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The outcome; a refusal, a wrong code, a connection error or a timeout is reported there, not thrown.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<EventGridHandshakeResult> HandshakeAsync(CancellationToken cancellationToken = default)
    {
        var handshake = PerformHandshakeAsync(cancellationToken);
        lock (_gate)
        {
            _handshake = handshake;
        }

        return handshake;
    }

    /// <summary>Delivers one event; see <see cref="DeliverAsync(IEnumerable{EventGridTestEvent}, CancellationToken)"/>.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the delivery, including a retry wait.</param>
    /// <returns>The outcome of the handshake (if one was needed) and of every attempt.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<EventGridDeliveryResult> DeliverAsync(EventGridTestEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return DeliverAsync([@event], cancellationToken);
    }

    /// <summary>
    /// Delivers events: validates the endpoint first unless that already succeeded (or <see cref="EventGridDeliveryOptions.PerformHandshake"/>
    /// is off), then sends them in requests of up to <see cref="EventGridDeliveryOptions.MaxEventsPerBatch"/> events, one request at a
    /// time, each retried on failure.
    /// </summary>
    /// <param name="events">The events, in the order to send them (reversed with <see cref="EventGridDeliveryOptions.ReorderEvents"/>).</param>
    /// <param name="cancellationToken">Cancels the delivery, including a retry wait.</param>
    /// <returns>The outcome of the handshake (if one was needed) and of every attempt. When the handshake fails no event is sent.</returns>
    /// <exception cref="ArgumentException"><paramref name="events"/> holds a <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<EventGridDeliveryResult> DeliverAsync(IEnumerable<EventGridTestEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        EventGridTestEvent[] given = [.. events];
        if (Array.IndexOf(given, null) >= 0)
        {
            throw new ArgumentException("The events must not contain null.", nameof(events));
        }

        EventGridHandshakeResult? handshake = null;
        if (_performHandshake)
        {
            handshake = await EnsureHandshakeAsync(cancellationToken);
            if (!handshake.Succeeded)
            {
                return new EventGridDeliveryResult(handshake, [], Array.AsReadOnly(given.Select(item => item.Id).ToArray()));
            }
        }

        var order = Enumerable.Range(0, given.Length).ToArray();
        if (_reorderEvents)
        {
            Array.Reverse(order);
        }

        var attempts = new List<EventGridDeliveryAttempt>();
        var undelivered = new bool[given.Length];
        foreach (var batch in order.Chunk(_maxEventsPerBatch))
        {
            if (!await DeliverBatchAsync(batch.Select(index => given[index]).ToArray(), attempts, cancellationToken))
            {
                foreach (var index in batch)
                {
                    undelivered[index] = true;
                }
            }
        }

        var undeliveredIds = given.Where((_, index) => undelivered[index]).Select(item => item.Id).ToArray();
        return new EventGridDeliveryResult(handshake, attempts.AsReadOnly(), Array.AsReadOnly(undeliveredIds));
    }

    private static Uri ResolveEndpoint(HttpClient client, Uri endpoint, string? queryString)
    {
        Uri absolute;
        if (endpoint.IsAbsoluteUri)
        {
            absolute = endpoint;
        }
        else if (client.BaseAddress is not null)
        {
            absolute = new Uri(client.BaseAddress, endpoint);
        }
        else
        {
            throw new ArgumentException("A relative endpoint needs an HttpClient with a BaseAddress.", nameof(endpoint));
        }

        var extra = queryString?.TrimStart('?');
        if (string.IsNullOrEmpty(extra))
        {
            return absolute;
        }

        var query = absolute.Query.Length > 1 ? $"{absolute.Query}&{extra}" : $"?{extra}";
        return new Uri(absolute.GetLeftPart(UriPartial.Path) + query);
    }

    private static void ValidateHeaders(KeyValuePair<string, string>[] headers)
    {
        using var probe = new HttpRequestMessage();
        foreach (var (name, value) in headers)
        {
            if (string.IsNullOrEmpty(name) || value is null
                || (!s_contentHeaders.Contains(name) && !probe.Headers.TryAddWithoutValidation(name, value)))
            {
                throw new ArgumentException($"EventGridDeliveryOptions.Headers has an invalid header '{name}'.", nameof(headers));
            }
        }
    }

    private async Task<EventGridHandshakeResult> EnsureHandshakeAsync(CancellationToken cancellationToken)
    {
        Task<EventGridHandshakeResult> handshake;
        lock (_gate)
        {
            var reusable = _handshake is { IsFaulted: false, IsCanceled: false }
                && (!_handshake.IsCompleted || _handshake.Result.Succeeded);
            if (!reusable)
            {
                _handshake = PerformHandshakeAsync(cancellationToken);
            }

            handshake = _handshake!;
        }

        return await handshake.WaitAsync(cancellationToken);
    }

    private Task<EventGridHandshakeResult> PerformHandshakeAsync(CancellationToken cancellationToken) =>
        _schema == EventGridSchema.CloudEvents ? RequestConsentAsync(cancellationToken) : ValidateSubscriptionAsync(cancellationToken);

    private async Task<EventGridHandshakeResult> ValidateSubscriptionAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var code = Guid.NewGuid().ToString("D");
        var validationUrl = $"https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/{Uri.EscapeDataString(_subscriptionName)}/validate"
            + $"?id={code.ToUpperInvariant()}&t={EventGridWire.FormatTime(now)}&apiVersion=2018-05-01-preview"
            + $"&token={Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}";
        var body = EventGridWire.ValidationBody(
            Guid.NewGuid().ToString("D"), $"/subscriptions/{EventGridWire.DefaultAzureSubscriptionId}", code, validationUrl, now);

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", EventGridWire.EventGridContentType);
        AddEventGridHeaders(request, EventGridWire.SubscriptionValidationEventType, deliveryCount: 0, outputEventId: null, dataVersion: "1");
        AddExtraHeaders(request);
        var exchange = await ExchangeAsync(request, readBody: true, cancellationToken);

        string? Check()
        {
            if (exchange.Error is not null)
            {
                return exchange.Error;
            }

            if (exchange.StatusCode != 200)
            {
                return $"The endpoint answered {exchange.StatusCode}; only 200 OK with the validation code completes the handshake (202 is not accepted).";
            }

            string? echoed;
            try
            {
                using var document = JsonDocument.Parse(exchange.Body ?? "");
                echoed = document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("validationResponse", out var response)
                    && response.ValueKind == JsonValueKind.String
                    ? response.GetString()
                    : null;
            }
            catch (JsonException)
            {
                echoed = null;
            }

            if (echoed is null)
            {
                return "The 200 answer has no JSON object with a string 'validationResponse' (the asynchronous handshake through validationUrl is not emulated).";
            }

            return string.Equals(echoed, code, StringComparison.Ordinal)
                ? null
                : $"The validationResponse '{echoed}' does not echo the validationCode '{code}'.";
        }

        var failure = Check();
        return new EventGridHandshakeResult(EventGridSchema.EventGrid, failure is null, exchange.StatusCode, failure, code, null, null);
    }

    private async Task<EventGridHandshakeResult> RequestConsentAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, Endpoint);
        request.Headers.TryAddWithoutValidation(EventGridWire.RequestOriginHeader, EventGridWire.Origin);
        if (_requestRate is int rate)
        {
            request.Headers.TryAddWithoutValidation(EventGridWire.RequestRateHeader, rate.ToString(CultureInfo.InvariantCulture));
        }

        AddExtraHeaders(request);
        var exchange = await ExchangeAsync(request, readBody: false, cancellationToken);

        string? Check()
        {
            if (exchange.Error is not null)
            {
                return exchange.Error;
            }

            if (exchange.StatusCode is not (>= 200 and <= 204))
            {
                return $"The endpoint answered {exchange.StatusCode}; consent needs a success status with WebHook-Allowed-Origin.";
            }

            if (exchange.AllowedOrigin is null)
            {
                return "The answer has no WebHook-Allowed-Origin; a status code alone is not consent.";
            }

            if (exchange.AllowedOrigin != "*" && !string.Equals(exchange.AllowedOrigin, EventGridWire.Origin, StringComparison.OrdinalIgnoreCase))
            {
                return $"WebHook-Allowed-Origin '{exchange.AllowedOrigin}' is neither '{EventGridWire.Origin}' nor '*'.";
            }

            if (exchange.AllowedRate is null)
            {
                return _requestRate is null ? null : "A WebHook-Request-Rate was sent but the answer has no WebHook-Allowed-Rate.";
            }

            return exchange.AllowedRate == "*" || (int.TryParse(exchange.AllowedRate, NumberStyles.None, CultureInfo.InvariantCulture, out var allowed) && allowed > 0)
                ? null
                : $"WebHook-Allowed-Rate '{exchange.AllowedRate}' is neither '*' nor a positive integer.";
        }

        var failure = Check();
        return new EventGridHandshakeResult(
            EventGridSchema.CloudEvents, failure is null, exchange.StatusCode, failure, null, exchange.AllowedOrigin, exchange.AllowedRate);
    }

    private async Task<bool> DeliverBatchAsync(EventGridTestEvent[] batch, List<EventGridDeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        var cloudEvents = _schema == EventGridSchema.CloudEvents;
        var body = cloudEvents ? EventGridWire.CloudEventsBody(batch) : EventGridWire.EventGridBody(batch);
        var contentType = !cloudEvents ? EventGridWire.EventGridContentType
            : batch.Length == 1 ? EventGridWire.CloudEventContentType
            : EventGridWire.CloudEventBatchContentType;
        var eventIds = Array.AsReadOnly(batch.Select(item => item.Id).ToArray());
        var outputEventId = Guid.NewGuid().ToString("D");

        async Task<EventGridDeliveryAttempt> SendAsync(int deliveryCount, TimeSpan delay, bool isDuplicate)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            AddEventGridHeaders(request, EventGridWire.NotificationEventType, deliveryCount, outputEventId, cloudEvents ? null : batch[0].DataVersion);
            if (cloudEvents)
            {
                request.Headers.TryAddWithoutValidation("Origin", EventGridWire.Origin);
            }

            AddExtraHeaders(request);
            var exchange = await ExchangeAsync(request, readBody: false, cancellationToken);
            return new EventGridDeliveryAttempt(eventIds, outputEventId, deliveryCount, delay, isDuplicate, exchange.StatusCode, exchange.Error);
        }

        for (var deliveryCount = 0; deliveryCount < _maxAttempts; deliveryCount++)
        {
            var delay = deliveryCount == 0 ? TimeSpan.Zero : _retrySchedule[Math.Min(deliveryCount - 1, _retrySchedule.Length - 1)];
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }

            var attempt = await SendAsync(deliveryCount, delay, isDuplicate: false);
            attempts.Add(attempt);
            if (attempt.Succeeded)
            {
                if (_duplicateEvents)
                {
                    attempts.Add(await SendAsync(deliveryCount + 1, TimeSpan.Zero, isDuplicate: true));
                }

                return true;
            }

            if (attempt.StatusCode is int status && _nonRetriableStatusCodes.Contains(status))
            {
                return false;
            }
        }

        return false;
    }

    private void AddEventGridHeaders(HttpRequestMessage request, string eventType, int deliveryCount, string? outputEventId, string? dataVersion)
    {
        var headers = request.Headers;
        headers.TryAddWithoutValidation(EventGridWire.EventTypeHeader, eventType);
        headers.TryAddWithoutValidation(EventGridWire.SubscriptionNameHeader, _subscriptionName);
        headers.TryAddWithoutValidation(EventGridWire.DeliveryCountHeader, deliveryCount.ToString(CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(
            EventGridWire.MetadataVersionHeader,
            _schema == EventGridSchema.CloudEvents ? EventGridWire.CloudEventsSpecVersion : EventGridWire.MetadataVersion);
        if (dataVersion is not null)
        {
            headers.TryAddWithoutValidation(EventGridWire.DataVersionHeader, dataVersion);
        }

        if (outputEventId is not null)
        {
            headers.TryAddWithoutValidation(EventGridWire.OutputEventIdHeader, outputEventId);
        }
    }

    private void AddExtraHeaders(HttpRequestMessage request)
    {
        foreach (var (name, value) in _headers)
        {
            if (s_contentHeaders.Contains(name))
            {
                if (request.Content is not null)
                {
                    request.Content.Headers.Remove(name);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            else
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    private async Task<Exchange> ExchangeAsync(HttpRequestMessage request, bool readBody, CancellationToken cancellationToken)
    {
        using var timeout = _responseTimeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(_responseTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _client.SendAsync(request, linked.Token);
            var body = readBody ? await response.Content.ReadAsStringAsync(linked.Token) : null;
            return new Exchange(
                (int)response.StatusCode,
                body,
                SingleHeader(response, EventGridWire.AllowedOriginHeader),
                SingleHeader(response, EventGridWire.AllowedRateHeader),
                null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Exchange(null, null, null, null, $"No answer within the response timeout ({_responseTimeout.TotalMilliseconds:0} ms) or HttpClient.Timeout.");
        }
        catch (HttpRequestException error)
        {
            return new Exchange(null, null, null, null, $"The request failed: {error.Message}");
        }
    }

    private static string? SingleHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private sealed record Exchange(int? StatusCode, string? Body, string? AllowedOrigin, string? AllowedRate, string? Error);
}

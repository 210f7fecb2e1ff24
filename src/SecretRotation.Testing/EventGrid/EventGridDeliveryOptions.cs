namespace SecretRotation.Testing;

/// <summary>Settings for an <see cref="EventGridDeliverer"/>: the simulated event subscription and the test knobs. Read once, by the deliverer's constructor.</summary>
public sealed class EventGridDeliveryOptions
{
    /// <summary>
    /// The documented webhook retry schedule (10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h) scaled down 1000 times:
    /// 10 ms, 30 ms, 60 ms, 300 ms, 600 ms, 1.8 s, 3.6 s, 10.8 s, 21.6 s, 43.2 s. The last step repeats.
    /// </summary>
    public static IReadOnlyList<TimeSpan> CompressedRetrySchedule { get; } = Array.AsReadOnly(new[]
    {
        TimeSpan.FromMilliseconds(10),
        TimeSpan.FromMilliseconds(30),
        TimeSpan.FromMilliseconds(60),
        TimeSpan.FromMilliseconds(300),
        TimeSpan.FromMilliseconds(600),
        TimeSpan.FromMilliseconds(1_800),
        TimeSpan.FromMilliseconds(3_600),
        TimeSpan.FromMilliseconds(10_800),
        TimeSpan.FromMilliseconds(21_600),
        TimeSpan.FromMilliseconds(43_200),
    });

    /// <summary>The output schema of the subscription.</summary>
    /// <value>Default <see cref="EventGridSchema.EventGrid"/>.</value>
    public EventGridSchema Schema { get; set; } = EventGridSchema.EventGrid;

    /// <summary>Whether the endpoint is validated (subscription validation event, or CloudEvents <c>OPTIONS</c>) before the first delivery.</summary>
    /// <value>Default <see langword="true"/>, as Event Grid always does. <see cref="EventGridDeliverer.HandshakeAsync"/> works either way.</value>
    public bool PerformHandshake { get; set; } = true;

    /// <summary>
    /// A query to append to the endpoint URL on every request, handshake included, for example <c>code=...</c> (a leading <c>?</c> is
    /// ignored). Event Grid sends every query parameter of the subscription URL on each delivery; this is how a shared key is passed.
    /// </summary>
    /// <value>Default <see langword="null"/>: the endpoint's own query only.</value>
    public string? QueryString { get; set; }

    /// <summary>
    /// Extra headers for every request, handshake included, for example <c>Authorization: Bearer ...</c> as an Entra-protected
    /// subscription sends, or delivery-property headers. A content header such as <c>Content-Type</c> replaces the deliverer's own value.
    /// </summary>
    /// <value>Default empty. Names are case-insensitive.</value>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many times a request is tried in all (the first try included) before its events are given up.</summary>
    /// <value>Default 5 (Event Grid's default is 30, spread over 24 hours).</value>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The waits before the second, third, ... attempt; the last entry repeats. Must not be empty.</summary>
    /// <value>Default <see cref="CompressedRetrySchedule"/>: Event Grid's schedule with its ratios, 1000 times faster.</value>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; set; } = CompressedRetrySchedule;

    /// <summary>
    /// Status codes that end delivery at once, without retry (the events are dropped, as Event Grid does without a dead-letter
    /// destination). Every other status outside 200-204, a connection error and a timeout are retried.
    /// </summary>
    /// <value>
    /// Default 400, 401, 403 and 413: the webhook codes the current "Event Grid message delivery and retry" page lists as not retried.
    /// Clear the set to retry every failure.
    /// </value>
    public ISet<int> NonRetriableStatusCodes { get; } = new HashSet<int> { 400, 401, 403, 413 };

    /// <summary>How long a request may take before it counts as failed (and is retried, or the handshake fails).</summary>
    /// <value>Default 30 seconds, as Event Grid waits; not compressed. <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</value>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether each request, once delivered, is delivered a second time (same body and <c>aeg-output-event-id</c>, next <c>aeg-delivery-count</c>), as an at-least-once redelivery.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool DuplicateEvents { get; set; }

    /// <summary>Whether the events of a <see cref="EventGridDeliverer.DeliverAsync(IEnumerable{EventGridTestEvent}, CancellationToken)"/> call are delivered in reverse order (Event Grid does not guarantee order).</summary>
    /// <value>Default <see langword="false"/>: the order given.</value>
    public bool ReorderEvents { get; set; }

    /// <summary>The most events in one request (the subscription's <c>maxEventsPerBatch</c>, 1-5000).</summary>
    /// <value>Default 1: batching off, each request an array (or, for CloudEvents, an object) with one event, as Event Grid's default.</value>
    public int MaxEventsPerBatch { get; set; } = 1;

    /// <summary>The event subscription name, sent upper-cased in <c>aeg-subscription-name</c> as Event Grid does.</summary>
    /// <value>Default <c>SECRET-ROTATION</c>.</value>
    public string SubscriptionName { get; set; } = "SECRET-ROTATION";

    /// <summary>The <c>WebHook-Request-Rate</c> (requests per minute) to ask for in the CloudEvents <c>OPTIONS</c> handshake; the endpoint must then answer <c>WebHook-Allowed-Rate</c>.</summary>
    /// <value>Default <see langword="null"/>: no rate asked for.</value>
    public int? WebHookRequestRate { get; set; }

    /// <summary>The clock for the retry waits, the response timeout and the validation event's time.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

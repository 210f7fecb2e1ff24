namespace SecretRotation.Testing;

/// <summary>What an <see cref="EventGridDeliverer.DeliverAsync(IEnumerable{EventGridTestEvent}, CancellationToken)"/> call did.</summary>
public sealed class EventGridDeliveryResult
{
    internal EventGridDeliveryResult(EventGridHandshakeResult? handshake, IReadOnlyList<EventGridDeliveryAttempt> attempts, IReadOnlyList<string> undeliveredEventIds)
    {
        Handshake = handshake;
        Attempts = attempts;
        UndeliveredEventIds = undeliveredEventIds;
    }

    /// <summary>Whether every event was delivered (a 200-204 answer to a request holding it).</summary>
    public bool Delivered => UndeliveredEventIds.Count == 0;

    /// <summary>
    /// The handshake this delivery relied on: the one performed by this call, or the earlier successful one; <see langword="null"/> when
    /// <see cref="EventGridDeliveryOptions.PerformHandshake"/> is off. When it failed, no event was sent.
    /// </summary>
    public EventGridHandshakeResult? Handshake { get; }

    /// <summary>Every delivery request, in the order made (retries and duplicates included; the handshake is not listed here).</summary>
    public IReadOnlyList<EventGridDeliveryAttempt> Attempts { get; }

    /// <summary>The ids of the events that were not delivered (attempts used up, a non-retriable status, or a failed handshake), in the order given.</summary>
    public IReadOnlyList<string> UndeliveredEventIds { get; }
}

namespace SecretRotation.Testing;

/// <summary>One delivery request an <see cref="EventGridDeliverer"/> made, as listed in <see cref="EventGridDeliveryResult.Attempts"/>.</summary>
public sealed class EventGridDeliveryAttempt
{
    internal EventGridDeliveryAttempt(IReadOnlyList<string> eventIds, string outputEventId, int deliveryCount, TimeSpan delay, bool isDuplicate, int? statusCode, string? error)
    {
        EventIds = eventIds;
        OutputEventId = outputEventId;
        DeliveryCount = deliveryCount;
        Delay = delay;
        IsDuplicate = isDuplicate;
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The ids of the events in the request, in the order sent.</summary>
    public IReadOnlyList<string> EventIds { get; }

    /// <summary>The <c>aeg-output-event-id</c> sent: one per request, the same on its retries and its duplicate.</summary>
    public string OutputEventId { get; }

    /// <summary>The <c>aeg-delivery-count</c> sent: 0 on the first attempt, then 1, 2, ...</summary>
    public int DeliveryCount { get; }

    /// <summary>The wait before this attempt (from the retry schedule); zero for a first attempt and for a duplicate.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Whether this was the redelivery of an already delivered request (<see cref="EventGridDeliveryOptions.DuplicateEvents"/>).</summary>
    public bool IsDuplicate { get; }

    /// <summary>The status of the answer, or <see langword="null"/> when there was none.</summary>
    public int? StatusCode { get; }

    /// <summary>Why there was no answer (connection error or timeout), in words; otherwise <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>Whether the answer was one of the success codes 200, 201, 202, 203 and 204.</summary>
    public bool Succeeded => StatusCode is >= 200 and <= 204;
}

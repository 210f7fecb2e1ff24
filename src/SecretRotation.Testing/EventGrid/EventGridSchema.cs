namespace SecretRotation.Testing;

/// <summary>The output schema of the simulated event subscription: how an <see cref="EventGridDeliverer"/> shapes each request.</summary>
public enum EventGridSchema
{
    /// <summary>
    /// The Event Grid event schema: a JSON array (even for one event) of <c>{id, topic, subject, eventType, eventTime, data,
    /// dataVersion, metadataVersion}</c> with <c>Content-Type: application/json; charset=utf-8</c>. The endpoint is validated with a
    /// <c>Microsoft.EventGrid.SubscriptionValidationEvent</c> POST.
    /// </summary>
    EventGrid,

    /// <summary>
    /// CloudEvents 1.0 (JSON): one event as an object with <c>Content-Type: application/cloudevents+json; charset=utf-8</c>, several as an
    /// array with <c>application/cloudevents-batch+json; charset=utf-8</c>. The endpoint is validated with the CloudEvents abuse-protection
    /// <c>OPTIONS</c> handshake.
    /// </summary>
    CloudEvents,
}

namespace SecretRotation.AspNetCore.ServiceBus;

/// <summary>What to do with a received message.</summary>
internal enum MessageSettlement
{
    /// <summary>Handled or deliberately ignored: remove it.</summary>
    Complete,

    /// <summary>Poison (unparsable, wrong fields): move it to the dead-letter queue at once, never retry it.</summary>
    DeadLetter,

    /// <summary>The refresh failed or timed out: release it for redelivery; Service Bus dead-letters it after its MaxDeliveryCount.</summary>
    Abandon,
}

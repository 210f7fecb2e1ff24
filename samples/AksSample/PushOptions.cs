namespace AksSample;

/// <summary>
/// Push and fan-out settings, bound from the <c>SecretRotation</c> section (env vars <c>SecretRotation__EventKeys</c>,
/// <c>SecretRotation__ServiceBus__Namespace</c>, <c>SecretRotation__ServiceBus__Topic</c>).
/// </summary>
public sealed class PushOptions
{
    public const string SectionName = "SecretRotation";

    /// <summary>Where <c>MapSecretRotationEvents</c> receives Key Vault events from Event Grid.</summary>
    public const string EventsPath = "/secret-rotation/events";

    /// <summary>Where <c>MapHealthChecks</c> answers the secret sources' health.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>
    /// Comma-separated shared keys, any of which a caller of <see cref="EventsPath"/> must present (<c>?code=</c> in the event
    /// subscription's URL, or the <c>X-Secret-Rotation-Key</c> header). Two during a key rotation. Not set, outside the demo:
    /// the endpoint is not mapped and rotations arrive at the next poll.
    /// </summary>
    public string? EventKeys { get; set; }

    /// <summary>The Service Bus fan-out, so every replica hears every event.</summary>
    public ServiceBusPushOptions ServiceBus { get; set; } = new();

    /// <summary>The keys of <see cref="EventKeys"/>, trimmed; empty when none is set.</summary>
    public IReadOnlyList<string> GetEventKeys() =>
        string.IsNullOrWhiteSpace(EventKeys)
            ? []
            : EventKeys.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

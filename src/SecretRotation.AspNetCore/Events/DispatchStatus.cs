namespace SecretRotation.AspNetCore.Events;

internal enum DispatchStatus
{
    /// <summary>Handled or deliberately ignored: answer 200 so the sender does not retry.</summary>
    Done,

    /// <summary>The events are malformed: answer 400; nothing was refreshed.</summary>
    Invalid,

    /// <summary>A refresh failed or timed out: answer 503 so the sender retries later.</summary>
    Failed,
}

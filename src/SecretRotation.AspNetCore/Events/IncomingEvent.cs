namespace SecretRotation.AspNetCore.Events;

/// <summary>One event, whichever envelope it came in (Event Grid schema or CloudEvents).</summary>
internal sealed record IncomingEvent(string Id, string Type, string? Subject, BinaryData? Data);

using Microsoft.Extensions.Logging;

namespace SecretRotation.TestSupport;

public sealed record CapturedLogEntry(string Category, LogLevel Level, EventId EventId, string Message, string StateValues, string? Exception)
{
    public string FullText => $"{Category} {Level} {EventId} {Message} {StateValues} {Exception}";
}

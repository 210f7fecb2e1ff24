using System.Globalization;

namespace SecretRotation;

/// <summary>
/// The health of one rotating client (<see cref="IRotatingClientHealth"/>): its generation and whether rebuilding it keeps
/// failing. Names the client type, the section and exception types, never values or exception messages.
/// </summary>
public sealed class RotatingClientStatus
{
    internal RotatingClientStatus(string clientType, string section, long generation, int consecutiveFailures, DateTimeOffset? lastFailure, string? lastFailureType, DateTimeOffset? nextRetry, int replacedInstancesDraining)
    {
        ClientType = clientType;
        Section = section;
        Generation = generation;
        ConsecutiveFailures = consecutiveFailures;
        LastFailure = lastFailure;
        LastFailureType = lastFailureType;
        NextRetry = nextRetry;
        ReplacedInstancesDraining = replacedInstancesDraining;
    }

    /// <summary>The client type's name.</summary>
    public string ClientType { get; }

    /// <summary>The configuration section the client is built from.</summary>
    public string Section { get; }

    /// <summary>The generation in use (1 for the first build, +1 per rebuild).</summary>
    public long Generation { get; }

    /// <summary>Rebuilds that failed in a row since the last successful one (0 when the client is built from the current configuration).</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>When the last rebuild failed, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastFailure { get; }

    /// <summary>The exception type of the last failed rebuild (never its message, which may hold a value), or <see langword="null"/>.</summary>
    public string? LastFailureType { get; }

    /// <summary>When the failing rebuild is retried, or <see langword="null"/> when none is failing.</summary>
    public DateTimeOffset? NextRetry { get; }

    /// <summary>Replaced instances not disposed yet (waiting for their leases or the drain timeout).</summary>
    public int ReplacedInstancesDraining { get; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ClientType} ({Section}): generation {Generation}, {ConsecutiveFailures} failed rebuild(s) in a row{(LastFailureType is null ? "" : $", last {LastFailureType}")}, {ReplacedInstancesDraining} draining");
}

using Microsoft.Extensions.Logging;

namespace SecretRotation;

/// <summary>What the engine hands an <see cref="ISecretSource"/> for one read.</summary>
public sealed class SecretReadRequest
{
    /// <summary>Creates a request.</summary>
    public SecretReadRequest(SecretSet previous, RefreshTriggers triggers, IReadOnlyList<SecretChangeNotice> notices, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(notices);
        ArgumentNullException.ThrowIfNull(logger);
        Previous = previous;
        Triggers = triggers;
        Notices = notices;
        Logger = logger;
    }

    /// <summary>The last set this source returned successfully (empty before the first success). Sources use it to work incrementally.</summary>
    public SecretSet Previous { get; }

    /// <summary>What asked for this read.</summary>
    public RefreshTriggers Triggers { get; }

    /// <summary>
    /// The change notices to act on when this is a targeted refresh (<see cref="IsTargeted"/>); empty for a full refresh,
    /// which absorbs any notices that arrived meanwhile. The engine passes only notices the source's
    /// <see cref="ISecretSource.IsOwnNotice"/> accepted.
    /// </summary>
    public IReadOnlyList<SecretChangeNotice> Notices { get; }

    /// <summary>True when only change notices asked for this read, so the source may read just the secrets they name.</summary>
    public bool IsTargeted => Triggers == RefreshTriggers.ChangeNotice && Notices.Count > 0;

    /// <summary>True when only the poll clock asked for this read, so the source may first check cheaply whether anything changed.</summary>
    public bool IsPollOnly => Triggers == RefreshTriggers.Poll;

    /// <summary>The logger for the source's own messages (the host's logger once <c>AddSecretRotation()</c> attached it).</summary>
    public ILogger Logger { get; }
}

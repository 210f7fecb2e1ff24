namespace SecretRotation;

/// <summary>
/// Reads secrets from one place. The engine (<see cref="SecretConfigurationSource"/>) owns the refresh loop,
/// the comparison and the reload token; a source only reads.
/// </summary>
public interface ISecretSource : IDisposable
{
    /// <summary>A name for logs, metrics and exceptions, e.g. <c>mounted:/mnt/secrets</c>. Never contains a secret.</summary>
    string Name { get; }

    /// <summary>
    /// Reads the secrets. Throw on failure: the engine keeps the last good set, logs, counts and retries.
    /// Return <see cref="SecretReadRequest.Previous"/> itself when nothing changed.
    /// Exception messages must never contain a secret value.
    /// </summary>
    Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Starts watching for changes, if the source can; <paramref name="changed"/> may be called often and from any thread
    /// (the engine debounces it). Returns what stops the watch, or <see langword="null"/> when the source cannot watch.
    /// </summary>
    IDisposable? Watch(Action changed) => null;

    /// <summary>
    /// Whether a change notice concerns this source. The engine asks once per notice, before it queues the notice, and hands
    /// <see cref="ReadAsync"/> only notices this accepted (<see cref="SecretReadRequest.Notices"/>): do not check them again there.
    /// </summary>
    bool IsOwnNotice(SecretChangeNotice notice) => false;

    /// <summary>
    /// Whether the source serves the secret a notice names now (and, when the notice names a version, that version),
    /// answered from what it holds, without reading. Health checks use it to keep only announcements about this app's
    /// secrets. Called from any thread.
    /// </summary>
    bool HoldsSecret(SecretChangeNotice notice) => false;
}

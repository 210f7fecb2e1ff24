namespace SecretRotation.Engine;

/// <summary>
/// A source whose watch can tell when a change is complete, so nothing more of it is coming: the kubelet's rename of
/// <c>..data</c> publishes a whole new version in one step. The engine reads at once on such an event instead of waiting
/// for the debounce window; every other event is debounced as before.
/// </summary>
internal interface IWatchesCompleteChanges
{
    /// <summary>
    /// Like <see cref="ISecretSource.Watch"/>, with a second callback for an event that completes a change. Either may be
    /// called often and from any thread.
    /// </summary>
    /// <param name="changed">Called for an event that may be one step of several (debounced).</param>
    /// <param name="completed">Called for an event that completes a change (read at once).</param>
    /// <returns>What stops the watch, or <see langword="null"/> when the source cannot watch.</returns>
    IDisposable? Watch(Action changed, Action completed);
}

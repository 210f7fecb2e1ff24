using Microsoft.Extensions.Logging;
using SecretRotation.Diagnostics;

namespace SecretRotation.Engine;

/// <summary>
/// The provider's subscription to its source's change watch: starts it (a watch that cannot start is logged, and polling
/// carries on) and disposes it.
/// </summary>
/// <remarks>
/// No lock: the provider starts it before the first read and disposes it exactly once after (from <c>Load</c> when it
/// fails or was disposed meanwhile, otherwise from <c>Dispose</c>); its first-read flag keeps the two apart.
/// </remarks>
internal sealed class SourceWatchSubscription : IDisposable
{
    private IDisposable? _watch;

    /// <param name="source">The source to watch; one that implements <see cref="IWatchesCompleteChanges"/> tells complete changes.</param>
    /// <param name="changed">Called with <see langword="true"/> for an event that completes a change (the kubelet's
    /// <c>..data</c> rename: read at once), <see langword="false"/> for one that may be a step of several (debounced).</param>
    /// <param name="logger">Where a watch that cannot start is logged.</param>
    public void Start(ISecretSource source, Action<bool> changed, ILogger logger)
    {
        try
        {
            _watch = source is IWatchesCompleteChanges completing
                ? completing.Watch(() => changed(false), () => changed(true))
                : source.Watch(() => changed(false));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            Log.WatchFailed(logger, exception, source.Name);
        }
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _watch = null;
    }
}

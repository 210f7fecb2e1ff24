namespace SecretRotation.Testing;

/// <summary>The emulator's settings the request handler reads; those a test may change later are thread-safe.</summary>
/// <param name="options">The emulator's options.</param>
/// <param name="latency">The loopback host's current added latency (the one place it is kept).</param>
internal sealed class KubernetesSettings(KubernetesEmulatorOptions options, Func<TimeSpan> latency)
{
    private long _bookmarkTicks = options.BookmarkInterval.Ticks;

    public TimeProvider TimeProvider { get; } = options.TimeProvider;

    public TimeSpan DefaultWatchTimeout { get; } = options.DefaultWatchTimeout;

    public int MaxWatches { get; } = options.MaxWatches;

    public int WatchBufferLimit { get; } = options.WatchBufferLimit;

    public int MaxRequestBodyBytes { get; } = options.MaxRequestBodyBytes;

    public TimeSpan Latency => latency();

    /// <summary>The interval of the bookmark timer of each watch opened from now on.</summary>
    public TimeSpan BookmarkInterval
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _bookmarkTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _bookmarkTicks, value.Ticks);
        }
    }
}

namespace SecretRotation.Testing;

/// <summary>The emulator's settings the request handler reads; those a test may change later are thread-safe.</summary>
internal sealed class KubernetesSettings(KubernetesEmulatorOptions options)
{
    private long _latencyTicks = options.Latency.Ticks;
    private long _bookmarkTicks = options.BookmarkInterval.Ticks;

    public TimeProvider TimeProvider { get; } = options.TimeProvider;

    public TimeSpan DefaultWatchTimeout { get; } = options.DefaultWatchTimeout;

    public int MaxWatches { get; } = options.MaxWatches;

    public int WatchBufferLimit { get; } = options.WatchBufferLimit;

    public int MaxRequestBodyBytes { get; } = options.MaxRequestBodyBytes;

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

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

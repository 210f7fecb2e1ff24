namespace SecretRotation.Testing;

/// <summary>Settings for a <see cref="KubernetesEmulator"/>.</summary>
public sealed class KubernetesEmulatorOptions
{
    /// <summary>The clock for creation timestamps, watch timeouts and bookmark intervals; a fake one lets a test send bookmarks and end watches.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>. Latency always runs on the real clock.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Delay added to every request before it is answered.</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>. Can be changed later through <see cref="KubernetesEmulator.Latency"/>.</value>
    public TimeSpan Latency { get; set; }

    /// <summary>How often a watch that asked for <c>allowWatchBookmarks=true</c> gets a <c>BOOKMARK</c> event.</summary>
    /// <value>Default one minute, about what the API server's watch cache does. Can be changed later through <see cref="KubernetesEmulator.BookmarkInterval"/>.</value>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a watch without <c>timeoutSeconds</c> stays open before the server ends it.</summary>
    /// <value>Default 30 minutes, the API server's <c>--min-request-timeout</c> (the API server adds up to as much again at random).</value>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many events the emulator keeps for watches that start from a resource version; older ones are compacted away (410 Gone).</summary>
    /// <value>Default 10,000. <see cref="KubernetesEmulator.Compact"/> drops them all at once.</value>
    public int EventHistoryLimit { get; set; } = 10_000;

    /// <summary>How many watches may be open at once; one more is answered 429 <c>TooManyRequests</c>.</summary>
    /// <value>Default 100.</value>
    public int MaxWatches { get; set; } = 100;

    /// <summary>How many events may wait for a slow watch client; past that the server ends the stream, as the API server ends a watcher that falls behind.</summary>
    /// <value>Default 10,000.</value>
    public int WatchBufferLimit { get; set; } = 10_000;

    /// <summary>The largest request body accepted; a larger one is answered 413 <c>RequestEntityTooLarge</c>.</summary>
    /// <value>Default 3 MiB, the API server's limit.</value>
    public int MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>The bearer token of the administrator (user <c>kubernetes-admin</c>, group <c>system:masters</c>), which may do everything.</summary>
    /// <value>Default <see langword="null"/>: a random token, see <see cref="KubernetesEmulator.AdminToken"/>.</value>
    public string? AdminToken { get; set; }
}

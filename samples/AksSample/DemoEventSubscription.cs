namespace AksSample;

/// <summary>
/// The local demo's stand-in for an Event Grid event subscription on the vault: where <see cref="DemoKeyVaultRotator"/> delivers
/// each <c>SecretNewVersionCreated</c> event (the app's own <see cref="PushOptions.EventsPath"/>) and the random shared key,
/// made at start-up, that it puts in the URL (<c>?code=</c>) as a real subscription does. The endpoint accepts that key.
/// </summary>
public sealed class DemoEventSubscription
{
    private DemoEventSubscription(string path, string key)
    {
        Path = path;
        Key = key;
    }

    /// <summary>The events endpoint's path, e.g. <c>/secret-rotation/events</c>.</summary>
    public string Path { get; }

    /// <summary>The shared key. Never logged or returned; it starts with <see cref="DemoPayload.ValuePrefix"/>, so a grep shows it does not leak.</summary>
    public string Key { get; }

    /// <summary>A subscription to <paramref name="path"/> with a new random key.</summary>
    public static DemoEventSubscription Create(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new DemoEventSubscription(path, DemoPayload.CreateEventKey());
    }
}

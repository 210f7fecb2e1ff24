namespace AksSample;

/// <summary>What the app knows about one bound secret. Holds a fingerprint, never the value.</summary>
/// <param name="Key">The configuration key, e.g. <c>Database:Password</c>.</param>
/// <param name="Fingerprint">See <see cref="SecretFingerprint"/>; <see langword="null"/> when the key is not set.</param>
/// <param name="LastChanged">When the fingerprint last changed (or, before any change, when the app first read it).</param>
/// <param name="ChangeCount">How many changes the app has seen since it started.</param>
public sealed record TrackedSecret(string Key, string? Fingerprint, DateTimeOffset LastChanged, int ChangeCount);

namespace AksSample;

/// <summary>One secret as shown on the page and in <c>/status</c>: no value, only its fingerprint.</summary>
/// <param name="Name">The configuration key, e.g. <c>Database:Password</c>.</param>
/// <param name="Fingerprint">See <see cref="SecretFingerprint"/> (HMAC-SHA256 under a per-process key, 12 hex characters); <see langword="null"/> when not set.</param>
/// <param name="Source">The provider that supplies the value, e.g. <c>mounted:/mnt/secrets</c>.</param>
/// <param name="LastChanged">When the fingerprint last changed (before any change: when the app first read it).</param>
/// <param name="ChangeCount">How many rotations the app has seen since it started.</param>
public sealed record SecretReport(string Name, string? Fingerprint, string Source, DateTimeOffset LastChanged, int ChangeCount);

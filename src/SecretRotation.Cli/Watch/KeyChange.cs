namespace SecretRotation.Cli.Watch;

/// <summary>One key that a reload added, changed or removed, with the fingerprints before and after (never values).</summary>
/// <param name="Key">The configuration key, e.g. <c>Db:Password</c>.</param>
/// <param name="Before">The fingerprint before, or <see langword="null"/> when the key was added.</param>
/// <param name="After">The fingerprint after, or <see langword="null"/> when the key was removed.</param>
internal sealed record KeyChange(string Key, string? Before, string? After);

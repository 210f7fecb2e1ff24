using System.Text.Json;

namespace SecretRotation.HashiCorpVault.Client;

/// <summary>
/// Reads the durations Vault sends in whole seconds (<c>lease_duration</c>, a token's <c>ttl</c>) so that nothing downstream
/// can overflow: <see cref="TimeSpan"/> ends near 29,000 years and <see cref="DateTimeOffset"/> at the year 9999, and a
/// misconfigured mount or a hostile server can send <c>1e12</c> or <see cref="long.MaxValue"/>.
/// </summary>
internal static class VaultDuration
{
    /// <summary>
    /// The longest duration taken as given: 10 years. Longer ones are read as 10 years, which keeps every schedule that
    /// adds a fraction of it to now far inside <see cref="DateTimeOffset"/>'s range, and is still "never" in practice.
    /// </summary>
    public const long MaxSeconds = 10L * 365 * 24 * 60 * 60;

    /// <summary>
    /// The number <paramref name="name"/> of <paramref name="element"/> in seconds, at most <see cref="MaxSeconds"/>; 0 when it
    /// is missing, not a number, zero or negative (no lease, no TTL).
    /// </summary>
    public static long ReadSeconds(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return 0;
        }

        if (value.TryGetInt64(out var seconds))
        {
            return Clamp(seconds);
        }

        // Beyond long, or with a fraction: the sign and size are all that matter.
        return value.TryGetDouble(out var approximate) && approximate >= 1 ? Clamp((long)Math.Min(approximate, MaxSeconds)) : 0;
    }

    /// <summary><paramref name="seconds"/> within 0 to <see cref="MaxSeconds"/> (negative means none, so 0).</summary>
    public static long Clamp(long seconds) => seconds <= 0 ? 0 : Math.Min(seconds, MaxSeconds);
}

namespace SecretRotation.Testing;

/// <summary>
/// Vault's TTL rules: a port of <c>sdk/framework.CalculateTTL</c> (non-periodic branch) with the system defaults of a fresh server
/// (<c>default_lease_ttl</c> and <c>max_lease_ttl</c> both 768h).
/// </summary>
internal static class VaultTtl
{
    /// <summary>The system (and every mount's) default lease TTL: 768h = 2764800 s.</summary>
    public static readonly TimeSpan SystemDefault = TimeSpan.FromHours(768);

    /// <summary>The system (and every mount's) maximum lease TTL: 768h.</summary>
    public static readonly TimeSpan SystemMax = TimeSpan.FromHours(768);

    /// <summary>
    /// The TTL to grant: the increment if positive, else the backend TTL if positive, else the system default; capped so the lease
    /// ends no later than <paramref name="startTime"/> (truncated to the second) plus the effective max TTL, with Vault's warning.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="increment">The requested increment (zero: none).</param>
    /// <param name="backendTtl">The backend's TTL (role TTL; zero: none).</param>
    /// <param name="backendMaxTtl">The backend's max TTL (role max TTL; zero: none).</param>
    /// <param name="explicitMaxTtl">The token's explicit max TTL (zero: none).</param>
    /// <param name="startTime">The lease's issue time, or <see langword="null"/> for a new lease (start now).</param>
    /// <returns>The TTL and the cap warning, if the TTL was capped.</returns>
    /// <exception cref="VaultErrorException">400 <c>past the max TTL, cannot renew</c>.</exception>
    public static (TimeSpan Ttl, string? Warning) Calculate(
        DateTimeOffset now, TimeSpan increment, TimeSpan backendTtl, TimeSpan backendMaxTtl, TimeSpan explicitMaxTtl, DateTimeOffset? startTime)
    {
        var truncatedNow = TruncateToSecond(now);
        var start = startTime is DateTimeOffset issued ? TruncateToSecond(issued) : truncatedNow;

        var maxTtl = SystemMax;
        if (backendMaxTtl > TimeSpan.Zero && backendMaxTtl < maxTtl)
        {
            maxTtl = backendMaxTtl;
        }

        if (explicitMaxTtl > TimeSpan.Zero && explicitMaxTtl < maxTtl)
        {
            maxTtl = explicitMaxTtl;
        }

        var ttl = increment > TimeSpan.Zero ? increment : backendTtl > TimeSpan.Zero ? backendTtl : SystemDefault;
        var maxValidTtl = start + maxTtl - truncatedNow;
        if (maxValidTtl < TimeSpan.Zero)
        {
            throw VaultErrorException.BadRequest("past the max TTL, cannot renew");
        }

        if (maxValidTtl < ttl)
        {
            var warning = $"TTL of {VaultGoFormat.Quote(VaultGoFormat.FormatDuration(ttl))} exceeded the effective max_ttl of "
                + $"{VaultGoFormat.Quote(VaultGoFormat.FormatDuration(maxValidTtl))}; TTL value is capped accordingly";
            return (maxValidTtl, warning);
        }

        return (ttl, null);
    }

    /// <summary>Go's <c>Truncate(time.Second)</c>.</summary>
    public static DateTimeOffset TruncateToSecond(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary><c>int64(d.Seconds())</c>: whole seconds, truncated toward zero.</summary>
    public static long Seconds(TimeSpan value) => value.Ticks / TimeSpan.TicksPerSecond;

    /// <summary>
    /// The remaining TTL as <c>leaseEntry.ttl()</c> reports it: <c>expire - now.Round(time.Second)</c>, truncated to whole seconds.
    /// </summary>
    public static long Remaining(DateTimeOffset expireTime, DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        var remainder = ticks % TimeSpan.TicksPerSecond;
        var rounded = remainder >= TimeSpan.TicksPerSecond / 2 ? ticks - remainder + TimeSpan.TicksPerSecond : ticks - remainder;
        return (expireTime.UtcTicks - rounded) / TimeSpan.TicksPerSecond;
    }
}

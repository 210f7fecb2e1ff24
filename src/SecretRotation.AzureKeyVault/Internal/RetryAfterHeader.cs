using System.Globalization;
using Azure;

namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>
/// Reads how long a throttled (429) or unavailable (503) Key Vault answer asked callers to wait: <c>retry-after-ms</c> or
/// <c>x-ms-retry-after-ms</c> (milliseconds), else <c>Retry-After</c> (seconds or an HTTP date), as Azure.Core reads them.
/// </summary>
internal static class RetryAfterHeader
{
    /// <summary>A longer wait than this is read as this, so a nonsense header cannot overflow a delay or stall reads for days.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    public static TimeSpan? From(RequestFailedException exception, DateTimeOffset now)
    {
        if (exception.Status is not (429 or 503) || exception.GetRawResponse() is not { } response)
        {
            return null;
        }

        foreach (var name in (string[])["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(name, out var milliseconds)
                && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && double.IsFinite(ms) && ms >= 0)
            {
                return Clamp(ms / 1000);
            }
        }

        if (!response.Headers.TryGetValue("Retry-After", out var retryAfter) || string.IsNullOrWhiteSpace(retryAfter))
        {
            return null;
        }

        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return seconds >= 0 ? Clamp(seconds) : null;
        }

        return DateTimeOffset.TryParseExact(retryAfter.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? Clamp(Math.Max(0, (date - now).TotalSeconds))
            : null;
    }

    private static TimeSpan Clamp(double seconds) => seconds >= Longest.TotalSeconds ? Longest : TimeSpan.FromSeconds(seconds);
}

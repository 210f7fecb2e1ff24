using System.Globalization;

namespace SecretRotation.Cli.Restart;

/// <summary>
/// The <c>kubectl.kubernetes.io/restartedAt</c> value as kubectl writes it: Go's <c>time.Now().Format(time.RFC3339)</c>, i.e. local time
/// to the second with its offset, and <c>Z</c> when the offset is zero (<c>2024-05-01T14:03:07+02:00</c>, <c>2024-05-01T12:03:07Z</c>).
/// </summary>
internal static class RestartTimestamp
{
    public static string Format(DateTimeOffset localNow)
    {
        var seconds = localNow.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        return localNow.Offset == TimeSpan.Zero ? seconds + "Z" : seconds + localNow.ToString("zzz", CultureInfo.InvariantCulture);
    }
}

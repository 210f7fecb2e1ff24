using System.Globalization;
using System.Text.RegularExpressions;

namespace SecretRotation.Cli.Watch;

/// <summary>
/// Durations on the command line: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, or a TimeSpan such as <c>00:05:00</c>. A number
/// without a unit (<c>5</c>) is refused: TimeSpan would read it as days.
/// </summary>
internal static partial class DurationParser
{
    /// <summary>The accepted forms, as error messages list them.</summary>
    public const string AcceptedForms = "500ms, 30s, 5m, 1h or 00:05:00";

    /// <summary>Whether <paramref name="text"/> is a bare number, which is refused for want of a unit.</summary>
    public static bool LacksUnit(string text) =>
        double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);

    public static bool TryParse(string text, out TimeSpan duration)
    {
        var match = WithUnit().Match(text.Trim());
        if (match.Success && double.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            duration = match.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
            return duration > TimeSpan.Zero;
        }

        // Only the hh:mm[:ss] forms: TimeSpan.TryParse reads a bare "5" as five days.
        duration = TimeSpan.Zero;
        return text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }

    /// <summary>Writes a duration the way it is typed: <c>200ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c> (the largest whole unit).</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        _ when duration.Ticks % TimeSpan.TicksPerHour == 0 => $"{(long)duration.TotalHours}h",
        _ when duration.Ticks % TimeSpan.TicksPerMinute == 0 => $"{(long)duration.TotalMinutes}m",
        _ when duration.Ticks % TimeSpan.TicksPerSecond == 0 => $"{(long)duration.TotalSeconds}s",
        _ => $"{duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms",
    };

    [GeneratedRegex("^(?<number>[0-9]+(\\.[0-9]+)?)(?<unit>ms|s|m|h)$")]
    private static partial Regex WithUnit();
}

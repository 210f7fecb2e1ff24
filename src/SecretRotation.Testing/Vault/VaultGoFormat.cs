using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>
/// The Go formats Vault puts on the wire: <c>time.Duration.String()</c> ("1h0m0s"), <c>time.ParseDuration</c>,
/// go-secure-stdlib <c>parseutil.ParseDurationSecond</c>, RFC 3339 with nanoseconds (<c>time.RFC3339Nano</c>, trailing zeros
/// trimmed) and <c>encoding/json</c>'s float64 numbers.
/// </summary>
internal static class VaultGoFormat
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Go's <c>time.Duration.String()</c>: <c>0s</c>, <c>1.5s</c>, <c>59m30s</c>, <c>1h0m0s</c>, <c>300ms</c>.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        var nanoseconds = value.Ticks * 100;
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var magnitude = negative ? (ulong)-nanoseconds : (ulong)nanoseconds;
        var text = new StringBuilder();
        if (negative)
        {
            text.Append('-');
        }

        if (magnitude < NanosecondsPerSecond)
        {
            var (unit, precision) = magnitude switch
            {
                < 1_000 => ("ns", 0),
                < 1_000_000 => ("\u00b5s", 3),
                _ => ("ms", 6),
            };
            AppendWithFraction(text, magnitude, precision);
            return text.Append(unit).ToString();
        }

        var seconds = magnitude / NanosecondsPerSecond;
        if (seconds >= 3600)
        {
            text.Append((seconds / 3600).ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (seconds >= 60)
        {
            text.Append((seconds / 60 % 60).ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        text.Append((seconds % 60).ToString(CultureInfo.InvariantCulture));
        var fraction = magnitude % NanosecondsPerSecond;
        if (fraction != 0)
        {
            text.Append('.').Append(fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        return text.Append('s').ToString();
    }

    /// <summary>Go's <c>time.ParseDuration</c>: <c>[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+</c> with units ns, us, µs, ms, s, m, h; a bare <c>0</c> is zero.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.SequenceEqual("0"))
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            var number = s[..numberLength];
            if (number.IsEmpty || number.SequenceEqual(".")
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            decimal? nanosecondsPerUnit = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "\u00b5s" or "\u03bcs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (nanosecondsPerUnit is not decimal factor)
            {
                return false;
            }

            total += amount * factor;
            s = s[unitLength..];
        }

        var ticks = total / 100m;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)decimal.Truncate(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>
    /// go-secure-stdlib <c>parseutil.ParseDurationSecond</c>: a JSON number or a numeric string is whole seconds, <c>"7d"</c> is days,
    /// any other string is a Go duration; <see langword="null"/> or <c>""</c> is zero.
    /// </summary>
    public static bool TryParseDurationSecond(JsonElement element, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Number:
                // A json.Number is turned into its text, which ParseInt accepts only as a whole number.
                return TryParseDurationSecondText(element.GetRawText(), out value);
            case JsonValueKind.String:
                return TryParseDurationSecondText(element.GetString()!, out value);
            default:
                return false;
        }
    }

    /// <summary>The string branch of <see cref="TryParseDurationSecond(JsonElement, out TimeSpan)"/>.</summary>
    public static bool TryParseDurationSecondText(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return TryFromSeconds(seconds, out value);
        }

        if (text.EndsWith('d'))
        {
            return long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days)
                && days is > -106_751 and < 106_751
                && TryFromSeconds(days * 86_400, out value);
        }

        return TryParseDuration(text, out value);
    }

    /// <summary>Go's <c>time.RFC3339Nano</c> in UTC: <c>2018-03-22T02:24:06.945319214Z</c>, trailing zeros and an all-zero fraction dropped.</summary>
    public static string FormatTime(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var text = utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            text += "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return text + "Z";
    }

    /// <summary>
    /// A float64 as Go's <c>encoding/json</c> writes it: the shortest round-trip digits, plain notation for 1e-6 &lt;= |x| &lt; 1e21,
    /// otherwise exponent notation such as <c>1e+21</c> or <c>1.5e-7</c>.
    /// </summary>
    public static string FormatFloat(double value)
    {
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip.StartsWith('-');
        var unsigned = negative ? roundTrip[1..] : roundTrip;

        // Split into significant digits and the decimal exponent of the first digit: value = 0.d1d2d3... x 10^pointPosition.
        var exponentIndex = unsigned.IndexOfAny(['E', 'e']);
        var mantissa = exponentIndex >= 0 ? unsigned[..exponentIndex] : unsigned;
        var exponent = exponentIndex >= 0 ? int.Parse(unsigned[(exponentIndex + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot >= 0 ? dot : mantissa.Length;
        var digits = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (digits.Length == 0)
        {
            return negative ? "-0" : "0";
        }

        var pointPosition = integerDigits - leadingZeros + exponent;
        var magnitude = Math.Abs(value);
        string text;
        if (magnitude < 1e-6 || magnitude >= 1e21)
        {
            var fraction = digits.Length > 1 ? "." + digits[1..] : string.Empty;
            var e = pointPosition - 1;
            text = $"{digits[0]}{fraction}e{(e < 0 ? '-' : '+')}{Math.Abs(e).ToString("D2", CultureInfo.InvariantCulture)}";

            // encoding/json cleans "e-09" up to "e-9".
            if (text.Length >= 4 && text[^4] == 'e' && text[^3] == '-' && text[^2] == '0')
            {
                text = text[..^2] + text[^1];
            }
        }
        else if (pointPosition <= 0)
        {
            text = "0." + new string('0', -pointPosition) + digits;
        }
        else if (pointPosition >= digits.Length)
        {
            text = digits + new string('0', pointPosition - digits.Length);
        }
        else
        {
            text = digits[..pointPosition] + "." + digits[pointPosition..];
        }

        return negative ? "-" + text : text;
    }

    /// <summary>Go's <c>%q</c> for the plain strings Vault quotes in messages (paths, role names).</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\t' => text.Append("\\t"),
                '\r' => text.Append("\\r"),
                < ' ' => text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }

    private static void AppendWithFraction(StringBuilder text, ulong value, int precision)
    {
        if (precision == 0)
        {
            text.Append(value.ToString(CultureInfo.InvariantCulture));
            return;
        }

        var scale = (ulong)Math.Pow(10, precision);
        text.Append((value / scale).ToString(CultureInfo.InvariantCulture));
        var fraction = value % scale;
        if (fraction != 0)
        {
            text.Append('.').Append(fraction.ToString("D" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).TrimEnd('0'));
        }
    }

    private static bool TryFromSeconds(long seconds, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (seconds > TimeSpan.MaxValue.TotalSeconds || seconds < TimeSpan.MinValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}

using System.Globalization;

namespace SecretRotation.Benchmarks.Infrastructure;

/// <summary>Reads the harnesses' few <c>--name value</c> options.</summary>
internal static class HarnessArguments
{
    /// <summary>The positive integer after <paramref name="name"/> in <paramref name="arguments"/>, or <paramref name="defaultValue"/>.</summary>
    /// <exception cref="ArgumentException">The option has no value, or its value is not a positive integer.</exception>
    public static int PositiveInt(IReadOnlyList<string> arguments, string name, int defaultValue)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (!string.Equals(arguments[i], name, StringComparison.Ordinal))
            {
                continue;
            }

            if (i + 1 >= arguments.Count
                || !int.TryParse(arguments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || value <= 0)
            {
                throw new ArgumentException($"{name} needs a positive integer.");
            }

            return value;
        }

        return defaultValue;
    }
}

using System.Text;

namespace SecretRotation.MountedVolumes;

/// <summary>Parses <c>KEY=VALUE</c> lines as consul-template and Vault Agent templates commonly render them.</summary>
internal static class KeyValueSecretsParser
{
    /// <exception cref="FormatException">A line is not <c>KEY=VALUE</c>. The message gives the line number, never content.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? line[..equals].Trim() : string.Empty;
            if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            {
                throw new FormatException($"'{path}' line {lineNumber}: expected KEY=VALUE.");
            }

            var value = Unquote(line[(equals + 1)..].Trim(), path, lineNumber);
            var key = ConfigurationKeys.FromSegment(name);
            if (!values.ContainsKey(key))
            {
                order.Add(key);
            }

            // As in shell and .env files, a later assignment wins.
            values[key] = value;
        }

        return order.Select(key => new KeyValuePair<string, string>(key, values[key])).ToArray();
    }

    private static string Unquote(string value, string path, int lineNumber)
    {
        if (value.Length == 0 || (value[0] != '"' && value[0] != '\''))
        {
            return value;
        }

        var quote = value[0];
        if (value.Length < 2 || value[^1] != quote)
        {
            throw new FormatException($"'{path}' line {lineNumber}: unterminated quoted value.");
        }

        var inner = value[1..^1];
        return quote == '\'' ? inner : Unescape(inner);
    }

    private static string Unescape(string inner)
    {
        if (!inner.Contains('\\', StringComparison.Ordinal))
        {
            return inner;
        }

        var builder = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] != '\\' || i == inner.Length - 1)
            {
                builder.Append(inner[i]);
                continue;
            }

            i++;
            builder.Append(inner[i] switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => inner[i],
            });
        }

        return builder.ToString();
    }
}

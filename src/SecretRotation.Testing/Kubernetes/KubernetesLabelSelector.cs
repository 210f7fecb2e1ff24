using System.Text.Json.Nodes;

namespace SecretRotation.Testing;

/// <summary>
/// A parsed <c>labelSelector</c>: comma-separated requirements, each <c>key</c>, <c>!key</c>, <c>key=value</c>, <c>key==value</c>,
/// <c>key!=value</c>, <c>key in (a,b)</c> or <c>key notin (a,b)</c>, all of which must hold (apimachinery's <c>labels.Parse</c>).
/// </summary>
internal sealed class KubernetesLabelSelector
{
    private const int MaxLength = 8 * 1024;

    private readonly List<Requirement> _requirements;

    private KubernetesLabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static KubernetesLabelSelector Everything { get; } = new([]);

    /// <exception cref="KubernetesErrorException">400 for a selector that does not parse.</exception>
    public static KubernetesLabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        if (text.Length > MaxLength)
        {
            throw KubernetesErrorException.BadRequest($"unable to parse requirement: label selector longer than {MaxLength} characters");
        }

        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new KubernetesLabelSelector(requirements);
    }

    public bool Matches(JsonObject obj)
    {
        if (_requirements.Count == 0)
        {
            return true;
        }

        var labels = obj["metadata"]?["labels"] as JsonObject;
        foreach (var requirement in _requirements)
        {
            var value = labels?[requirement.Key]?.GetValue<string>();
            var holds = requirement.Operator switch
            {
                "exists" => value is not null,
                "!" => value is null,
                "=" or "in" => value is not null && requirement.Values.Contains(value),
                _ => value is null || !requirement.Values.Contains(value), // != and notin match objects without the label
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string part, string whole)
    {
        if (part.Length == 0)
        {
            throw Unparsable(whole);
        }

        if (part[0] == '!')
        {
            return new Requirement(ValidKey(part[1..].Trim(), whole), "!", []);
        }

        var notEqual = part.IndexOf("!=", StringComparison.Ordinal);
        if (notEqual > 0)
        {
            return new Requirement(ValidKey(part[..notEqual].Trim(), whole), "!=", [ValidValue(part[(notEqual + 2)..].Trim(), whole)]);
        }

        var equal = part.IndexOf('=', StringComparison.Ordinal);
        if (equal > 0)
        {
            var valueStart = part.Length > equal + 1 && part[equal + 1] == '=' ? equal + 2 : equal + 1;
            return new Requirement(ValidKey(part[..equal].Trim(), whole), "=", [ValidValue(part[valueStart..].Trim(), whole)]);
        }

        var open = part.IndexOf('(', StringComparison.Ordinal);
        if (open > 0 && part[^1] == ')')
        {
            var head = part[..open].Trim();
            var space = head.LastIndexOf(' ');
            if (space > 0)
            {
                var op = head[(space + 1)..];
                if (op is "in" or "notin")
                {
                    var values = part[(open + 1)..^1].Split(',').Select(value => ValidValue(value.Trim(), whole)).ToHashSet(StringComparer.Ordinal);
                    return new Requirement(ValidKey(head[..space].Trim(), whole), op, values);
                }
            }

            throw Unparsable(whole);
        }

        return new Requirement(ValidKey(part, whole), "exists", []);
    }

    private static string ValidKey(string key, string whole)
    {
        if (key.Length == 0 || key.Length > 317 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw Unparsable(whole);
        }

        return key;
    }

    private static string ValidValue(string value, string whole)
    {
        if (value.Length > 63 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw Unparsable(whole);
        }

        return value;
    }

    private static KubernetesErrorException Unparsable(string whole) =>
        KubernetesErrorException.BadRequest($"unable to parse requirement: found '{whole}', expected a valid label selector");

    private sealed record Requirement(string Key, string Operator, IReadOnlySet<string> Values)
    {
        public Requirement(string key, string op, IEnumerable<string> values)
            : this(key, op, values.ToHashSet(StringComparer.Ordinal))
        {
        }
    }
}

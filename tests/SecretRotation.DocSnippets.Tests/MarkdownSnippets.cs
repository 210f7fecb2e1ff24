using System.Text.RegularExpressions;

namespace SecretRotation.DocSnippets.Tests;

/// <summary>Finds the fenced C# blocks (<c>csharp</c>, <c>cs</c>, <c>c#</c>) of a markdown text and their markers.</summary>
public static partial class MarkdownSnippets
{
    /// <summary>The marker every C# block needs on the last non-blank line before its fence.</summary>
    public const string MarkerHelp =
        "put one of <!-- snippet: program -->, <!-- snippet: web-program -->, <!-- snippet: fragment --> or " +
        "<!-- snippet: skip, <why> --> on the line before the fence (see docs/README.md, \"Code in the docs\")";

    /// <summary>Returns the C# blocks of <paramref name="markdown"/>, a file at <paramref name="file"/> (relative path).</summary>
    public static IReadOnlyList<DocSnippet> Extract(string file, string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<DocSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = FenceOpen().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var indent = open.Groups["indent"].Length;
            var fence = open.Groups["fence"].Value;
            var language = open.Groups["info"].Value.Trim().Split(' ', 2)[0];
            var code = new List<string>();
            var j = i + 1;
            for (; j < lines.Length && !IsClosingFence(lines[j], fence); j++)
            {
                code.Add(Unindent(lines[j], indent));
            }

            if (IsCSharp(language))
            {
                var (kind, problem) = ReadMarker(lines, i);
                snippets.Add(new DocSnippet(file, i + 1, kind, problem, code));
            }

            i = j;   // past the closing fence (or the end: an unclosed fence runs to the end, as in CommonMark)
        }

        return snippets;
    }

    private static bool IsCSharp(string language) =>
        language.Equals("csharp", StringComparison.OrdinalIgnoreCase) ||
        language.Equals("cs", StringComparison.OrdinalIgnoreCase) ||
        language.Equals("c#", StringComparison.OrdinalIgnoreCase);

    private static (SnippetKind? Kind, string? Problem) ReadMarker(string[] lines, int fenceIndex)
    {
        var k = fenceIndex - 1;
        while (k >= 0 && string.IsNullOrWhiteSpace(lines[k]))
        {
            k--;
        }

        var marker = k >= 0 ? Marker().Match(lines[k]) : Match.Empty;
        if (!marker.Success)
        {
            return (null, "this ```csharp block has no snippet marker: " + MarkerHelp);
        }

        var word = marker.Groups["kind"].Value;
        var rest = marker.Groups["rest"].Value.Trim().TrimStart(',').Trim();
        return word switch
        {
            "program" => (SnippetKind.Program, null),
            "web-program" => (SnippetKind.WebProgram, null),
            "fragment" => (SnippetKind.Fragment, null),
            "skip" when rest.Length > 0 => (SnippetKind.Skip, null),
            "skip" => (null, "<!-- snippet: skip --> needs a reason after a comma, e.g. <!-- snippet: skip, an excerpt of an interface -->"),
            _ => (null, $"unknown snippet marker '{word}': " + MarkerHelp),
        };
    }

    private static bool IsClosingFence(string line, string fence)
    {
        var trimmed = line.TrimStart(' ');
        if (line.Length - trimmed.Length > 3)
        {
            return false;
        }

        var run = 0;
        while (run < trimmed.Length && trimmed[run] == fence[0])
        {
            run++;
        }

        return run >= fence.Length && string.IsNullOrWhiteSpace(trimmed[run..]);
    }

    private static string Unindent(string line, int indent)
    {
        var remove = 0;
        while (remove < indent && remove < line.Length && line[remove] == ' ')
        {
            remove++;
        }

        return line[remove..];
    }

    [GeneratedRegex(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex FenceOpen();

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*(?<kind>[\w-]+)(?<rest>.*?)-->\s*$")]
    private static partial Regex Marker();
}

namespace SecretRotation.DocSnippets.Tests;

/// <summary>One fenced C# block of a markdown file.</summary>
/// <param name="File">The markdown file, relative to the repository root, with forward slashes.</param>
/// <param name="FenceLine">The 1-based line of the opening fence.</param>
/// <param name="Kind">The kind its marker names, or <see langword="null"/> when the marker is missing or unknown.</param>
/// <param name="MarkerProblem">Why <paramref name="Kind"/> is <see langword="null"/>.</param>
/// <param name="Code">The block's lines, without the fences (line i is on line <c>FenceLine + 1 + i</c> of the file).</param>
public sealed record DocSnippet(string File, int FenceLine, SnippetKind? Kind, string? MarkerProblem, IReadOnlyList<string> Code)
{
    /// <summary>"file:line" of the opening fence: the name of the block in test results and failures.</summary>
    public string Id => $"{File}:{FenceLine}";

    /// <summary>The 1-based line of the block's first line of code.</summary>
    public int FirstCodeLine => FenceLine + 1;
}

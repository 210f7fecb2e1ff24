namespace SecretRotation.DocSnippets.Tests;

/// <summary>Every ```csharp block of README.md, docs/ and the package READMEs compiles (one test case per block).</summary>
public sealed class DocSnippetTests
{
    public static TheoryData<string> Blocks()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in RepositoryDocs.Snippets)
        {
            data.Add(snippet.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Compiles(string block)
    {
        var snippet = RepositoryDocs.Snippets.Single(s => s.Id == block);

        var problems = SnippetCompiler.Check(snippet);

        Assert.True(
            problems.Count == 0,
            $"{snippet.Id}: the ```csharp block ({snippet.Kind?.ToString() ?? "no marker"}) does not compile as pasted:\n" +
            string.Join('\n', problems));
    }

    [Fact]
    public void The_checked_files_hold_the_blocks_we_know_of()
    {
        var files = RepositoryDocs.Files();
        Assert.Contains("README.md", files);
        Assert.Contains("docs/mounted-volumes.md", files);
        Assert.Contains("src/SecretRotation/README.md", files);

        // The README's quick start and full example are whole programs, so a paste into a new project compiles.
        var readme = RepositoryDocs.Snippets.Where(s => s.File == "README.md").ToList();
        Assert.True(readme.Count(s => s.Kind is SnippetKind.Program or SnippetKind.WebProgram) >= 2, string.Join(", ", readme.Select(s => $"{s.Id} {s.Kind}")));
        Assert.True(RepositoryDocs.Snippets.Count >= 15, $"only {RepositoryDocs.Snippets.Count} blocks found");
    }
}

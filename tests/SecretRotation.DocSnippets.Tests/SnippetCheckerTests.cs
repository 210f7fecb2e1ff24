namespace SecretRotation.DocSnippets.Tests;

/// <summary>The checker itself: markers, wrapping, and failures that name the markdown file and line.</summary>
public sealed class SnippetCheckerTests
{
    [Fact]
    public void A_fragment_that_stops_compiling_fails_with_the_markdown_file_and_line()
    {
        var markdown = "# Title\n\n<!-- snippet: fragment -->\n```csharp\nbuilder.Configuration.AddMountedSecrets(\"/mnt/s\");\nbuilder.Configuration.AddMountedSecretz(\"/mnt/s\");\n```\n";

        var snippet = Assert.Single(MarkdownSnippets.Extract("docs/example.md", markdown));
        var problems = SnippetCompiler.Check(snippet);

        var problem = Assert.Single(problems);
        Assert.StartsWith("docs/example.md(6,23): error CS1061:", problem, StringComparison.Ordinal);
        Assert.Contains("AddMountedSecretz", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_without_a_marker_fails_and_says_which_markers_exist()
    {
        var markdown = "Text\n\n```csharp\nvar x = 1;\n```\n";

        var snippet = Assert.Single(MarkdownSnippets.Extract("README.md", markdown));
        var problem = Assert.Single(SnippetCompiler.Check(snippet));

        Assert.StartsWith("README.md(3,1): this ```csharp block has no snippet marker", problem, StringComparison.Ordinal);
        Assert.Contains("<!-- snippet: fragment -->", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skip_needs_a_reason_and_an_unknown_marker_fails()
    {
        var markdown = "<!-- snippet: skip -->\n```cs\nnot C#\n```\n<!-- snippet: programm -->\n```c#\nvar x = 1;\n```\n<!-- snippet: skip, an excerpt -->\n```csharp\nnot C#\n```\n";

        var snippets = MarkdownSnippets.Extract("a.md", markdown);

        Assert.Equal(3, snippets.Count);
        Assert.Contains("needs a reason", Assert.Single(SnippetCompiler.Check(snippets[0])), StringComparison.Ordinal);
        Assert.Contains("unknown snippet marker 'programm'", Assert.Single(SnippetCompiler.Check(snippets[1])), StringComparison.Ordinal);
        Assert.Empty(SnippetCompiler.Check(snippets[2]));
    }

    [Fact]
    public void A_program_compiles_with_the_console_usings_only_and_a_web_program_with_the_web_ones()
    {
        const string Code = "var builder = WebApplication.CreateBuilder(args);\nbuilder.Configuration.AddMountedSecrets(\"/mnt/s\");\nbuilder.Build().Run();\n";

        var asProgram = Assert.Single(MarkdownSnippets.Extract("p.md", "<!-- snippet: program -->\n```csharp\n" + Code + "```\n"));
        var asWebProgram = Assert.Single(MarkdownSnippets.Extract("p.md", "<!-- snippet: web-program -->\n```csharp\n" + Code + "```\n"));

        Assert.Contains(SnippetCompiler.Check(asProgram), p => p.StartsWith("p.md(3,", StringComparison.Ordinal) && p.Contains("CS0103", StringComparison.Ordinal));
        Assert.Empty(SnippetCompiler.Check(asWebProgram));
    }

    [Fact]
    public void A_fragment_may_open_with_using_directives_and_declare_its_own_app()
    {
        var markdown = "<!-- snippet: fragment -->\n```csharp\nusing Microsoft.Extensions.Options;\n\nvar app = builder.Build();\nvar monitor = app.Services.GetRequiredService<IOptionsMonitor<object>>();\nusing var cts = new CancellationTokenSource();\nawait Task.Delay(1, cts.Token);\n```\n";

        var snippet = Assert.Single(MarkdownSnippets.Extract("f.md", markdown));

        Assert.Empty(SnippetCompiler.Check(snippet));
    }

    [Fact]
    public void Fences_of_other_languages_and_indented_blocks_are_read_correctly()
    {
        var markdown = "```bash\n```csharp (not a fence opener inside bash)\n```\n\n1. A step:\n\n   <!-- snippet: fragment -->\n   ```csharp\n   var y = 2;\n   ```\n";

        var snippet = Assert.Single(MarkdownSnippets.Extract("l.md", markdown));

        Assert.Equal(8, snippet.FenceLine);
        Assert.Equal(["var y = 2;"], snippet.Code);
        Assert.Empty(SnippetCompiler.Check(snippet));
    }
}

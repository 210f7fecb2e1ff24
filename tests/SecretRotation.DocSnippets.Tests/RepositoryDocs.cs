namespace SecretRotation.DocSnippets.Tests;

/// <summary>The markdown files whose C# blocks are checked: README.md, docs/**/*.md, src/*/README.md, samples/*/README.md.</summary>
public static class RepositoryDocs
{
    private static readonly Lazy<IReadOnlyList<DocSnippet>> AllSnippets = new(() =>
        Files().SelectMany(file => MarkdownSnippets.Extract(file, File.ReadAllText(Path.Join(Root, file)))).ToList());

    /// <summary>The repository root: the nearest folder above this test's output that holds SecretRotation.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every C# block of the checked files.</summary>
    public static IReadOnlyList<DocSnippet> Snippets => AllSnippets.Value;

    /// <summary>The checked markdown files, relative to <see cref="Root"/>, with forward slashes, in a stable order.</summary>
    public static IReadOnlyList<string> Files()
    {
        var files = new List<string> { Path.Join(Root, "README.md") };
        files.AddRange(Directory.EnumerateFiles(Path.Join(Root, "docs"), "*.md", SearchOption.AllDirectories));
        foreach (var folder in new[] { "src", "samples" })
        {
            files.AddRange(Directory.EnumerateDirectories(Path.Join(Root, folder))
                .Select(project => Path.Join(project, "README.md"))
                .Where(File.Exists));
        }

        return files
            .Select(file => Path.GetRelativePath(Root, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Join(dir.FullName, "SecretRotation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SecretRotation.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}

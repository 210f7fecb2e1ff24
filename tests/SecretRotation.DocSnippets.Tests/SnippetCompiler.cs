using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SecretRotation.DocSnippets.Tests;

/// <summary>
/// Compiles a <see cref="DocSnippet"/> with Roslyn against the assemblies this test runs with, and returns its errors
/// with the markdown file and line of each (through <c>#line</c> directives), e.g.
/// <c>README.md(61,42): error CS0103: The name 'vaultUri' does not exist in the current context</c>.
/// </summary>
public static class SnippetCompiler
{
    /// <summary>The implicit usings of <c>dotnet new console</c> (Microsoft.NET.Sdk).</summary>
    public static readonly IReadOnlyList<string> ConsoleUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks",
    ];

    /// <summary>The implicit usings of <c>dotnet new web</c> (Microsoft.NET.Sdk.Web).</summary>
    public static readonly IReadOnlyList<string> WebUsings =
    [
        .. ConsoleUsings, "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    /// <summary>What a fragment sees besides <see cref="WebUsings"/>.</summary>
    public static readonly IReadOnlyList<string> FragmentUsings =
    [
        .. WebUsings, "Azure.Identity", "Azure.Security.KeyVault.Secrets", "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Primitives", "SecretRotation", "SecretRotation.HashiCorpVault", "SecretRotation.Testing",
        "Xunit",
    ];

    /// <summary>
    /// The variables a fragment may use without declaring them (static fields of the wrapper, so a fragment may also
    /// declare its own local of the same name, e.g. <c>var app = builder.Build();</c>).
    /// </summary>
    public const string FragmentVariables = """
            private static WebApplicationBuilder builder = null!;
            private static WebApplication app = null!;
            private static IConfiguration configuration = null!;
            private static SecretClient secretClient = null!;
            private static string vaultUri = "";
            private static string eventKey = "";
            private static string tempDir = "";
            private static string mountPath = "";
            private static string vaultAddress = "";
            private static CancellationToken cancellationToken;
        """;

    private static readonly Lazy<List<MetadataReference>> References = new(LoadReferences);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Returns the problems of <paramref name="snippet"/>: its marker's, or its compile errors; empty when it compiles.</summary>
    public static IReadOnlyList<string> Check(DocSnippet snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        if (snippet.Kind is null)
        {
            return [$"{snippet.File}({snippet.FenceLine},1): {snippet.MarkerProblem}"];
        }

        if (snippet.Kind == SnippetKind.Skip)
        {
            return [];
        }

        var isProgram = snippet.Kind is SnippetKind.Program or SnippetKind.WebProgram;
        var usings = snippet.Kind switch
        {
            SnippetKind.Program => ConsoleUsings,
            SnippetKind.WebProgram => WebUsings,
            _ => FragmentUsings,
        };

        var generatedPath = $"{snippet.Id} (generated around the snippet)";
        var globalUsings = CSharpSyntaxTree.ParseText(
            string.Concat(usings.Select(u => $"global using global::{u};\n")), ParseOptions, path: generatedPath);
        var body = CSharpSyntaxTree.ParseText(
            isProgram ? ProgramSource(snippet) : FragmentSource(snippet), ParseOptions, path: generatedPath, encoding: Encoding.UTF8);

        var compilation = CSharpCompilation.Create(
            "Snippet_" + snippet.FenceLine.ToString(CultureInfo.InvariantCulture),
            [globalUsings, body],
            References.Value,
            new CSharpCompilationOptions(
                isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));

        using var peStream = new MemoryStream();
        var result = compilation.Emit(peStream);
        return result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(Format)
            .ToList();
    }

    private static string ProgramSource(DocSnippet snippet)
    {
        var source = new StringBuilder();
        source.Append(CultureInfo.InvariantCulture, $"#line {snippet.FirstCodeLine} \"{snippet.File}\"\n");
        foreach (var line in snippet.Code)
        {
            source.Append(line).Append('\n');
        }

        return source.ToString();
    }

    private static string FragmentSource(DocSnippet snippet)
    {
        // using directives at the top of a fragment move above the wrapper (blank lines keep the numbering).
        var source = new StringBuilder();
        var code = snippet.Code.ToArray();
        for (var i = 0; i < code.Length; i++)
        {
            if (IsUsingDirective(code[i]))
            {
                source.Append(CultureInfo.InvariantCulture, $"#line {snippet.FirstCodeLine + i} \"{snippet.File}\"\n");
                source.Append(code[i]).Append('\n');
                code[i] = "";
            }
            else if (!string.IsNullOrWhiteSpace(code[i]) && !code[i].TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                break;
            }
        }

        source.Append("#line default\n");
        source.Append("internal static class Snippet\n{\n");
        source.Append(FragmentVariables).Append('\n');
        source.Append("    internal static async Task RunAsync()\n    {\n");
        source.Append(CultureInfo.InvariantCulture, $"#line {snippet.FirstCodeLine} \"{snippet.File}\"\n");
        foreach (var line in code)
        {
            source.Append(line).Append('\n');
        }

        source.Append("#line default\n");
        source.Append("        await Task.CompletedTask;\n    }\n}\n");
        return source.ToString();
    }

    private static bool IsUsingDirective(string line)
    {
        var trimmed = line.Trim();
        if (!trimmed.StartsWith("using ", StringComparison.Ordinal) || !trimmed.EndsWith(';'))
        {
            return false;
        }

        var name = trimmed["using ".Length..^1].Trim();
        if (name.StartsWith("static ", StringComparison.Ordinal))
        {
            name = name["static ".Length..].Trim();
        }

        var alias = name.Split('=', 2);
        var target = alias[^1].Trim();
        return (alias.Length == 1 || IsIdentifier(alias[0].Trim())) && target.Length > 0 &&
               target.Split('.').All(IsIdentifier) && !(alias.Length == 1 && target == "var");
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');

    private static string Format(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        var where = span.IsValid
            ? $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})"
            : "(no location)";
        return $"{where}: error {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    private static List<MetadataReference> LoadReferences()
    {
        // The assemblies this test process runs with: the .NET and ASP.NET Core shared frameworks, the SecretRotation
        // libraries, Azure.Identity, xunit, and what they depend on.
        var assemblies = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string)?.Split(Path.PathSeparator) ?? [];
        return assemblies
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    }
}

namespace SecretRotation.DocSnippets.Tests;

/// <summary>How a ```csharp block of the docs is compiled, from the HTML comment on the line before its fence.</summary>
public enum SnippetKind
{
    /// <summary><c>&lt;!-- snippet: program --&gt;</c>: a whole top-level program, as pasted into <c>dotnet new console</c>.</summary>
    Program,

    /// <summary><c>&lt;!-- snippet: web-program --&gt;</c>: a whole top-level program, as pasted into <c>dotnet new web</c>.</summary>
    WebProgram,

    /// <summary><c>&lt;!-- snippet: fragment --&gt;</c>: statements, compiled inside an async method (see <see cref="SnippetCompiler"/>).</summary>
    Fragment,

    /// <summary><c>&lt;!-- snippet: skip, reason --&gt;</c>: not compiled; for code that cannot compile alone, with the reason.</summary>
    Skip,
}

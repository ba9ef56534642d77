using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace NanGuard.Testing;

/// <summary>A source file of a test, by name.</summary>
public sealed record TestSource(string Name, string Text);

/// <summary>
/// Builds the project a test runs in: an ad-hoc workspace with the sources as documents, the <c>.editorconfig</c> as
/// an analyzer config document (so options and severities reach analyzers exactly as in a real build), and
/// the chosen references.
/// </summary>
public static class TestProject
{
    /// <summary>The folder every test file lives in (rooted, as editorconfig matching needs).</summary>
    public static string Folder { get; } = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "nanguard-tests"));

    /// <summary>A fresh solution holding one project with <paramref name="sources"/>.</summary>
    public static Project Create(
        IReadOnlyList<TestSource> sources,
        string? editorConfig,
        TestReferences references,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId("Test");
        var compilationOptions = new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable);
        var parseOptions = new CSharpParseOptions(languageVersion);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Test", "Test", LanguageNames.CSharp,
                filePath: Path.Combine(Folder, "Test.csproj"),
                compilationOptions: compilationOptions,
                parseOptions: parseOptions,
                metadataReferences: references.All));
        foreach (var source in sources)
        {
            var id = DocumentId.CreateNewId(projectId, source.Name);
            solution = solution.AddDocument(id, source.Name, SourceText.From(source.Text, Encoding.UTF8), filePath: PathOf(source.Name));
        }
        if (editorConfig is not null)
        {
            var path = Path.Combine(Folder, ".editorconfig");
            var text = "root = true\n\n[*.cs]\n" + editorConfig;
            solution = solution.AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(projectId, ".editorconfig"), ".editorconfig", SourceText.From(text, Encoding.UTF8), filePath: path);
        }
        return solution.GetProject(projectId)!;
    }

    /// <summary>The full path of a test file named <paramref name="name"/>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>The compiler's errors in <paramref name="compilation"/>, rendered one per line.</summary>
    public static ImmutableArray<Diagnostic> Errors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace NanGuard.Analyzers.Tests.Verifiers;

/// <summary>
/// One analyzer (and optionally code fix) test: sources with markup, what the fix must produce, options, references.
/// <see cref="RunAsync"/> checks, in order: the sources compile; the analyzer reports exactly the marked diagnostics
/// and throws nothing; then, with a fix, the fix applied one diagnostic at a time and as fix-all in document, project
/// and solution each produce the fixed sources, which compile and carry exactly the diagnostics their markup marks.
/// </summary>
public sealed class VerifierTest
{
    private readonly DiagnosticAnalyzer _analyzer;
    private readonly CodeFixProvider? _codeFix;

    public VerifierTest(DiagnosticAnalyzer analyzer, CodeFixProvider? codeFix)
    {
        _analyzer = analyzer;
        _codeFix = codeFix;
    }

    /// <summary>The sources, as (file name, markup). <see cref="TestCode"/> sets a single one.</summary>
    public List<TestSource> Sources { get; } = new();

    /// <summary>What the fix must turn <see cref="Sources"/> into (markup marks diagnostics that remain).</summary>
    public List<TestSource> FixedSources { get; } = new();

    /// <summary>What fix-all must produce, where it legitimately differs from one-at-a-time fixing.</summary>
    public List<TestSource> BatchFixedSources { get; } = new();

    /// <summary>The single source file, Test0.cs.</summary>
    public string TestCode { set => Sources.Add(new TestSource("Test0.cs", value)); }

    /// <summary>The single fixed source file, Test0.cs.</summary>
    public string FixedCode { set => FixedSources.Add(new TestSource("Test0.cs", value)); }

    /// <summary>Lines of the <c>[*.cs]</c> section of the project's .editorconfig.</summary>
    public string? EditorConfig { get; set; }

    /// <summary>The code action to apply; required where the fix offers several.</summary>
    public string? CodeActionEquivalenceKey { get; set; }

    /// <summary>When set, the fix must offer no action at all for any diagnostic.</summary>
    public bool ExpectNoFix { get; set; }

    public TestReferences References { get; set; } = TestReferences.WithTorchSharp;

    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    /// <summary>The diagnostics the analyzer reported on <see cref="Sources"/>, for further assertions.</summary>
    public ImmutableArray<Diagnostic> ActualDiagnostics { get; private set; }

    private string? DefaultId => _analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().Count() == 1
        ? _analyzer.SupportedDiagnostics[0].Id
        : null;

    private ImmutableHashSet<string> AnalyzerIds => _analyzer.SupportedDiagnostics.Select(d => d.Id).ToImmutableHashSet();

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Sources.Count == 0)
            throw new InvalidOperationException("A test needs at least one source.");
        var (sources, expected) = Parse(Sources);
        var project = TestProject.Create(sources, EditorConfig, References, LanguageVersion, OutputKind);
        ActualDiagnostics = await VerifyDiagnosticsAsync(project, expected, "the test sources", cancellationToken);

        if (_codeFix is null)
            return;
        if (ExpectNoFix)
        {
            await VerifyNoFixAsync(project, cancellationToken);
            return;
        }
        if (FixedSources.Count == 0)
        {
            // Nothing reported, nothing to fix: a test of silence needs no fixed code.
            if (expected.IsEmpty)
                return;
            throw new InvalidOperationException("A code fix test with diagnostics needs FixedCode (or ExpectNoFix).");
        }

        var oneAtATime = await FixOneAtATimeAsync(project, cancellationToken);
        await VerifyFixedAsync(oneAtATime, FixedSources, "one at a time", cancellationToken);
        var batchExpected = BatchFixedSources.Count > 0 ? BatchFixedSources : FixedSources;
        foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
        {
            var fixedAll = await FixAllAsync(project, scope, cancellationToken);
            await VerifyFixedAsync(fixedAll, batchExpected, "fix-all in " + scope, cancellationToken);
        }
    }

    private (List<TestSource> Sources, ImmutableArray<ExpectedDiagnostic> Expected) Parse(IEnumerable<TestSource> markup)
    {
        var sources = new List<TestSource>();
        var expected = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();
        foreach (var source in markup)
        {
            var (text, marks) = Markup.Parse(source.Text, TestProject.PathOf(source.Name), DefaultId);
            sources.Add(source with { Text = text });
            expected.AddRange(marks);
        }
        return (sources, expected.ToImmutable());
    }

    private async Task<ImmutableArray<Diagnostic>> VerifyDiagnosticsAsync(
        Project project, ImmutableArray<ExpectedDiagnostic> expected, string what, CancellationToken cancellationToken)
    {
        var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create(_analyzer), cancellationToken: cancellationToken);
        var errors = TestProject.Errors(result.Compilation);
        if (!errors.IsEmpty)
            throw new XunitException($"{what} do not compile:\n" + string.Join("\n", errors.Select(e => "  " + e)));
        AnalyzerRunner.AssertNoAnalyzerExceptions(result);

        var ids = AnalyzerIds;
        var actual = result.Diagnostics.Where(d => ids.Contains(d.Id)).ToImmutableArray();
        var actualKeys = actual.Select(d => (d.Id, Path: d.Location.SourceTree?.FilePath ?? "", d.Location.SourceSpan)).ToList();
        var expectedKeys = expected.Select(e => (e.Id, e.Path, e.Span)).OrderBy(e => e.Path, StringComparer.Ordinal)
            .ThenBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        if (!actualKeys.SequenceEqual(expectedKeys))
            throw new XunitException(await DescribeMismatchAsync(project, expectedKeys, actual, what, cancellationToken));
        return actual;
    }

    private static async Task<string> DescribeMismatchAsync(
        Project project, List<(string Id, string Path, TextSpan Span)> expected, ImmutableArray<Diagnostic> actual, string what, CancellationToken cancellationToken)
    {
        var message = new StringBuilder();
        message.AppendLine($"Diagnostics on {what} differ from the markup: expected {expected.Count}, got {actual.Length}.");
        message.AppendLine("Expected:");
        foreach (var (id, path, span) in expected)
            message.AppendLine($"  {await DescribeAsync(project, path, span, cancellationToken)}: {id}");
        message.AppendLine("Actual:");
        foreach (var diagnostic in actual)
        {
            var path = diagnostic.Location.SourceTree?.FilePath ?? "";
            message.AppendLine($"  {await DescribeAsync(project, path, diagnostic.Location.SourceSpan, cancellationToken)}: {diagnostic.Id} {diagnostic.Severity}: {diagnostic.GetMessage()}");
        }
        foreach (var document in project.Documents)
        {
            var text = (await document.GetTextAsync(cancellationToken)).ToString();
            var marks = actual.Where(d => d.Location.SourceTree?.FilePath == document.FilePath)
                .Select(d => (d.Id, d.Location.SourceSpan));
            message.AppendLine($"Actual as markup ({document.Name}):");
            message.AppendLine(Markup.Render(text, marks));
        }
        return message.ToString();
    }

    private static async Task<string> DescribeAsync(Project project, string path, TextSpan span, CancellationToken cancellationToken)
    {
        var document = project.Documents.FirstOrDefault(d => d.FilePath == path);
        if (document is null)
            return $"{path}{span}";
        var text = await document.GetTextAsync(cancellationToken);
        var position = text.Lines.GetLinePosition(span.Start);
        var covered = text.ToString(span).Replace("\n", "\\n");
        return $"{document.Name}({position.Line + 1},{position.Character + 1}) [{covered}]";
    }

    private async Task<ImmutableArray<Diagnostic>> FixableDiagnosticsAsync(Project project, CancellationToken cancellationToken)
    {
        var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create(_analyzer), cancellationToken: cancellationToken);
        AnalyzerRunner.AssertNoAnalyzerExceptions(result);
        var fixable = _codeFix!.FixableDiagnosticIds.ToImmutableHashSet();
        return result.Diagnostics.Where(d => fixable.Contains(d.Id)).ToImmutableArray();
    }

    private async Task<List<CodeAction>> ActionsForAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
        await _codeFix!.RegisterCodeFixesAsync(context);
        return actions;
    }

    private CodeAction? Choose(List<CodeAction> actions)
    {
        if (CodeActionEquivalenceKey is not null)
            return actions.FirstOrDefault(a => a.EquivalenceKey == CodeActionEquivalenceKey);
        if (actions.Count > 1)
            throw new XunitException("The fix offers several actions (" + string.Join(", ", actions.Select(a => a.EquivalenceKey)) + "): set CodeActionEquivalenceKey.");
        return actions.FirstOrDefault();
    }

    private async Task VerifyNoFixAsync(Project project, CancellationToken cancellationToken)
    {
        foreach (var diagnostic in await FixableDiagnosticsAsync(project, cancellationToken))
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree)!;
            var actions = await ActionsForAsync(document, diagnostic, cancellationToken);
            if (actions.Count > 0)
                throw new XunitException($"Expected no fix for {diagnostic}, but the fix offers: {string.Join(", ", actions.Select(a => a.Title))}.");
        }
    }

    private async Task<Project> FixOneAtATimeAsync(Project project, CancellationToken cancellationToken)
    {
        var limit = (await FixableDiagnosticsAsync(project, cancellationToken)).Length + 1;
        for (var iteration = 0; iteration < limit; iteration++)
        {
            CodeAction? chosen = null;
            foreach (var diagnostic in await FixableDiagnosticsAsync(project, cancellationToken))
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree)!;
                chosen = Choose(await ActionsForAsync(document, diagnostic, cancellationToken));
                if (chosen is not null)
                    break;
            }
            if (chosen is null)
                return project;
            project = await ApplyAsync(project, chosen, cancellationToken);
        }
        throw new XunitException($"The fix did not converge: diagnostics remained fixable after {limit} fixes.");
    }

    private async Task<Project> FixAllAsync(Project project, FixAllScope scope, CancellationToken cancellationToken)
    {
        var provider = _codeFix!.GetFixAllProvider() ?? throw new XunitException("The fix has no fix-all provider.");
        var limit = (await FixableDiagnosticsAsync(project, cancellationToken)).Length + 1;
        for (var iteration = 0; iteration < limit; iteration++)
        {
            var diagnostics = await FixableDiagnosticsAsync(project, cancellationToken);
            // The fix-all is started from the first diagnostic with an action, as the IDE starts it from one.
            Diagnostic? first = null;
            string? key = null;
            foreach (var diagnostic in diagnostics)
            {
                var action = Choose(await ActionsForAsync(project.GetDocument(diagnostic.Location.SourceTree)!, diagnostic, cancellationToken));
                if (action is not null)
                {
                    first = diagnostic;
                    key = action.EquivalenceKey;
                    break;
                }
            }
            if (first is null)
                return project;

            var document = project.GetDocument(first.Location.SourceTree)!;
            var context = new FixAllContext(document, _codeFix, scope, key, _codeFix.FixableDiagnosticIds,
                new KnownDiagnostics(diagnostics), cancellationToken);
            var fixAll = await provider.GetFixAsync(context) ?? throw new XunitException($"Fix-all in {scope} produced no action.");
            project = await ApplyAsync(project, fixAll, cancellationToken);
        }
        throw new XunitException($"Fix-all in {scope} did not converge after {limit} rounds.");
    }

    private static async Task<Project> ApplyAsync(Project project, CodeAction action, CancellationToken cancellationToken)
    {
        var operations = await action.GetOperationsAsync(cancellationToken);
        var apply = operations.OfType<ApplyChangesOperation>().SingleOrDefault()
            ?? throw new XunitException($"The code action '{action.Title}' changes no document.");
        return apply.ChangedSolution.GetProject(project.Id)!;
    }

    private async Task VerifyFixedAsync(Project project, List<TestSource> expectedSources, string how, CancellationToken cancellationToken)
    {
        var (sources, expected) = Parse(expectedSources);
        foreach (var source in sources)
        {
            var document = project.Documents.Single(d => d.Name == source.Name);
            var actual = (await document.GetTextAsync(cancellationToken)).ToString();
            if (actual != source.Text)
                throw new XunitException($"The fix applied {how} produced a different {source.Name}:\n{TextDiff.Describe(source.Text, actual)}");
        }
        await VerifyDiagnosticsAsync(project, expected, $"the code fixed {how}", cancellationToken);
    }
}

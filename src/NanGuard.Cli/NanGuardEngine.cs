using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Analyzers;
using NanGuard.Cli.Reporting;
using NanGuard.CodeFixes;

namespace NanGuard.Cli;

/// <summary>
/// Runs NanGuard's analyzer on a solution the way the compiler does (the project's compilation options, its
/// .editorconfig and global configs decide severities and options), and nothing else: analyzers the project itself
/// references are not run, so a project that already uses the NanGuard package is not reported twice.
/// </summary>
public sealed class NanGuardEngine
{
    /// <summary>The engine with the analyzer and every code fix that ship with the tool.</summary>
    public NanGuardEngine()
    {
        Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer());
        FixProviders = LoadFixProviders(typeof(NanGuardCodeFix).Assembly);
    }

    /// <summary>The analyzers run.</summary>
    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    /// <summary>The code fixes: every exported <see cref="CodeFixProvider"/> of the code fix assembly.</summary>
    public ImmutableArray<CodeFixProvider> FixProviders { get; }

    /// <summary>Every rule the analyzer supports, as reports describe them.</summary>
    public IReadOnlyList<RuleInfo> Rules => Analyzers.SelectMany(a => a.SupportedDiagnostics)
        .GroupBy(d => d.Id).Select(g => g.First())
        .Select(d => new RuleInfo(d.Id, d.Title.ToString(), d.Description.ToString(), d.HelpLinkUri, ToSeverity(d.DefaultSeverity) ?? FindingSeverity.Info))
        .ToList();

    /// <summary>The CodeFixProvider subclasses <paramref name="assembly"/> exports for C#.</summary>
    public static ImmutableArray<CodeFixProvider> LoadFixProviders(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Where(t => t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is { } export && export.Languages.Contains(LanguageNames.CSharp))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    /// <summary>The reported diagnostics of every C# project in <paramref name="solution"/>, filtered by <paramref name="includeRule"/>.</summary>
    public async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Solution solution, Func<string, bool> includeRule, CancellationToken cancellationToken)
    {
        var all = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var project in solution.Projects.Where(p => p.Language == LanguageNames.CSharp))
            all.AddRange(await AnalyzeAsync(project, includeRule, cancellationToken).ConfigureAwait(false));
        return all.ToImmutable();
    }

    /// <summary>The reported diagnostics of one project.</summary>
    public async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, Func<string, bool> includeRule, CancellationToken cancellationToken) =>
        (await AnalyzeAsync(project, includeRule, compilerErrors: false, cancellationToken).ConfigureAwait(false)).Findings;

    /// <summary>
    /// The reported diagnostics of every C# project in <paramref name="solution"/>, and the compiler's errors in them
    /// (see <see cref="CompileErrors.IsCompilerError"/>), from one run of the analyzer driver per project.
    /// </summary>
    public async Task<(ImmutableArray<Diagnostic> Findings, ImmutableArray<Diagnostic> CompilerErrors)> AnalyzeWithCompilerErrorsAsync(
        Solution solution, Func<string, bool> includeRule, CancellationToken cancellationToken)
    {
        var findings = ImmutableArray.CreateBuilder<Diagnostic>();
        var errors = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var project in solution.Projects.Where(p => p.Language == LanguageNames.CSharp))
        {
            var (found, failed) = await AnalyzeAsync(project, includeRule, compilerErrors: true, cancellationToken).ConfigureAwait(false);
            findings.AddRange(found);
            errors.AddRange(failed);
        }
        return (findings.ToImmutable(), errors.ToImmutable());
    }

    private async Task<(ImmutableArray<Diagnostic> Findings, ImmutableArray<Diagnostic> CompilerErrors)> AnalyzeAsync(
        Project project, Func<string, bool> includeRule, bool compilerErrors, CancellationToken cancellationToken)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
            return (ImmutableArray<Diagnostic>.Empty, ImmutableArray<Diagnostic>.Empty);
        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions, onAnalyzerException: null, concurrentAnalysis: true,
            logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(Analyzers, options);
        // GetAllDiagnosticsAsync adds the compiler's diagnostics to the analyzers' in the same pass over the compilation.
        var diagnostics = compilerErrors
            ? await withAnalyzers.GetAllDiagnosticsAsync(cancellationToken).ConfigureAwait(false)
            : await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var ids = Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Append("AD0001").ToHashSet(StringComparer.Ordinal);
        var findings = diagnostics
            .Where(d => ids.Contains(d.Id) && d.Location.IsInSource && !d.IsSuppressed && ToSeverity(d.Severity) is not null)
            .Where(d => d.Id == "AD0001" || includeRule(d.Id))
            .ToImmutableArray();
        return (findings, diagnostics.Where(CompileErrors.IsCompilerError).ToImmutableArray());
    }

    /// <summary>True when the project's compilation sees TorchSharp; without it NanGuard has nothing to check.</summary>
    public static async Task<bool> SeesTorchSharpAsync(Project project, CancellationToken cancellationToken) =>
        await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false) is { } compilation
        && compilation.GetTypeByMetadataName("TorchSharp.torch") is not null;

    /// <summary>A diagnostic as reports show it.</summary>
    public static Finding ToFinding(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return new Finding(
            span.Path,
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            ToSeverity(diagnostic.Severity) ?? FindingSeverity.Info,
            diagnostic.Id,
            diagnostic.Descriptor.Title.ToString(),
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            string.IsNullOrEmpty(diagnostic.Descriptor.HelpLinkUri) ? null : diagnostic.Descriptor.HelpLinkUri)
        {
            Related = diagnostic.AdditionalLocations
                .Where(location => location.IsInSource)
                .Select(location => location.GetLineSpan())
                .Select(place => new FindingPlace(place.Path, place.StartLinePosition.Line + 1, place.StartLinePosition.Character + 1))
                .ToList(),
        };
    }

    /// <summary>Roslyn's severity as a finding's; null for hidden diagnostics, which no report shows.</summary>
    public static FindingSeverity? ToSeverity(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => FindingSeverity.Error,
        DiagnosticSeverity.Warning => FindingSeverity.Warning,
        DiagnosticSeverity.Info => FindingSeverity.Info,
        _ => null,
    };
}

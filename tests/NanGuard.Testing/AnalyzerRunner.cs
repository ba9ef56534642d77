using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NanGuard.Testing;

/// <summary>The diagnostics analyzers produced on a project, and the exceptions they threw (AD0001).</summary>
public sealed record AnalysisResult(
    Compilation Compilation,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<Exception> AnalyzerExceptions);

/// <summary>Runs analyzers on a project the way the compiler does, with the project's options and editorconfig.</summary>
public static class AnalyzerRunner
{
    /// <summary>Analyzes <paramref name="project"/>; analyzer exceptions are collected, never swallowed.</summary>
    public static async Task<AnalysisResult> RunAsync(
        Project project,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        bool concurrent = true,
        CancellationToken cancellationToken = default)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(project.AnalyzerOptions.AdditionalFiles, project.AnalyzerOptions.AnalyzerConfigOptionsProvider),
            onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: concurrent,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options)
            .GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var crashes = diagnostics.Where(d => d.Id == "AD0001").Select(d => new Exception(d.GetMessage()));
        return new AnalysisResult(
            compilation,
            diagnostics.Where(d => d.Id != "AD0001").OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray(),
            exceptions.Concat(crashes).ToImmutableArray());
    }

    /// <summary>Fails the test with every exception an analyzer threw.</summary>
    public static void AssertNoAnalyzerExceptions(AnalysisResult result)
    {
        if (!result.AnalyzerExceptions.IsEmpty)
            throw new InvalidOperationException("An analyzer threw (AD0001):\n" + string.Join("\n\n", result.AnalyzerExceptions));
    }
}

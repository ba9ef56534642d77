using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Analyzers;
using NanGuard.Testing;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>One analysis of one input: what NanGuard reported (in the order Roslyn returned it), what it threw, how long it took.</summary>
public sealed record AnalysisRun(
    Project Project,
    Compilation Compilation,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<string> Exceptions,
    TimeSpan AnalyzerTime,
    int Characters)
{
    /// <summary>The compiler's errors, as (id: message) strings, a multiset to compare before and after a fix.</summary>
    public ImmutableArray<string> Errors { get; } = Compilation.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        .Select(d => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
        .OrderBy(s => s, StringComparer.Ordinal)
        .ToImmutableArray();

    /// <summary>The diagnostics as comparable keys: id, file, span, severity, message.</summary>
    public ImmutableArray<string> Keys => Diagnostics.Select(Key).ToImmutableArray();

    public static string Key(Diagnostic d) =>
        $"{d.Id} {d.Location.SourceTree?.FilePath}{d.Location.SourceSpan} {d.Severity} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>An input: one source file and the compilation it lives in.</summary>
public sealed record RobustnessInput(string Name, string Text, TestReferences References, OutputKind OutputKind, bool AllowUnsafe = false)
{
    public static RobustnessInput For(string name, string text, TestReferences? references = null) =>
        new(name, text, references ?? TestReferences.WithTorchSharp, InferOutputKind(text));

    /// <summary>Top-level statements need an executable.</summary>
    public static OutputKind InferOutputKind(string text) =>
        CSharpSyntaxTree.ParseText(text).GetCompilationUnitRoot().Members.Any(m => m is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax)
            ? OutputKind.ConsoleApplication
            : OutputKind.DynamicallyLinkedLibrary;

    public Project CreateProject()
    {
        var project = TestProject.Create(new[] { new TestSource("Test0.cs", Text) }, editorConfig: null, References, LanguageVersion.Latest, OutputKind);
        var options = (CSharpCompilationOptions)project.CompilationOptions!;
        return project.WithCompilationOptions(options.WithAllowUnsafe(true));
    }
}

/// <summary>Runs every NanGuard rule (the analyzer the compiler loads) on an input and measures it.</summary>
public static class Analysis
{
    /// <summary>The analyzer the compiler loads: every rule of the catalog, however many there are.</summary>
    public static DiagnosticAnalyzer Analyzer { get; } = new NanGuardRulesAnalyzer();

    public static async Task<AnalysisRun> RunAsync(Project project, bool concurrent = true, CancellationToken cancellationToken = default)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(project.AnalyzerOptions.AdditionalFiles, project.AnalyzerOptions.AnalyzerConfigOptionsProvider),
            onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue(exception.ToString()),
            concurrentAnalysis: concurrent,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create(Analyzer), options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(Analyzer, cancellationToken).ConfigureAwait(false);
        foreach (var crash in diagnostics.Where(d => d.Id == "AD0001"))
            exceptions.Enqueue(crash.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        var characters = 0;
        foreach (var tree in compilation.SyntaxTrees)
            characters += tree.Length;
        return new AnalysisRun(project, compilation, diagnostics.Where(d => d.Id != "AD0001").ToImmutableArray(),
            exceptions.ToImmutableArray(), telemetry.ExecutionTime, characters);
    }

    /// <summary>Runs <paramref name="work"/> on a thread with a large stack, for inputs nested deep enough to need it.</summary>
    public static T OnLargeStack<T>(Func<T> work, int stackBytes = 256 * 1024 * 1024)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, stackBytes);
        thread.Start();
        thread.Join();
        if (failure is not null)
            throw new AggregateException(failure);
        return result;
    }

    /// <summary>Checks one run against the rules of the suite: no exception, within its time bound. Returns what failed.</summary>
    public static List<string> Check(AnalysisRun run, TimeBound bound)
    {
        var problems = new List<string>();
        foreach (var exception in run.Exceptions)
            problems.Add("analyzer exception: " + exception);
        var limit = bound.For(run.Characters);
        var slow = run.AnalyzerTime > limit;
        if (slow)
            problems.Add($"analyzer took {run.AnalyzerTime.TotalMilliseconds:F0} ms on {run.Characters / 1024.0:F1} KB, bound {limit.TotalMilliseconds:F0} ms");
        Statistics.Analyzed(run.Characters, run.AnalyzerTime, run.Exceptions.Length, run.Diagnostics.Length, slow);
        return problems;
    }

    public static Stopwatch Stopwatch() => System.Diagnostics.Stopwatch.StartNew();
}

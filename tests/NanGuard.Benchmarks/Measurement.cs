using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace NanGuard.Benchmarks;

/// <summary>What one measured run does: compile alone (no analyzers), or compile with these analyzers.</summary>
internal sealed record Configuration(string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers)
{
    public bool IsCompileOnly => Analyzers.IsEmpty;
}

/// <summary>The outcome of one run: its CPU time and the diagnostics it produced, by id.</summary>
internal sealed record RunResult(TimeSpan Cpu, ImmutableDictionary<string, int> Findings, ImmutableArray<Diagnostic> Errors);

/// <summary>Compiles a corpus against the framework (and ref/TorchSharp) and runs a configuration on it.</summary>
internal static class Compiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() =>
    {
        var directory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Directory.GetFiles(directory, "*.dll")
            .Where(IsManaged)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    private static readonly Lazy<MetadataReference> TorchSharp = new(() =>
        MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll")));

    /// <summary>
    /// One thread builds: <c>concurrentBuild</c> off, so the compiler's own work is measured without scheduling noise,
    /// and the peer rule CA2242 is on as a warning (it must run for its cost to be measured).
    /// </summary>
    public static CSharpCompilationOptions Options { get; } = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            concurrentBuild: false)
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { [Plants.PeerRule] = ReportDiagnostic.Warn });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static ImmutableArray<MetadataReference> References(bool torch) =>
        torch ? Framework.Value.Add(TorchSharp.Value) : Framework.Value;

    public static SyntaxTree Parse(CorpusFile file) =>
        CSharpSyntaxTree.ParseText(SourceText.From(file.Text, Encoding.UTF8), ParseOptions, Path.Combine(Root, file.Name));

    /// <summary>The folder the corpus's files claim to live in (never written to).</summary>
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "nanguard-benchmark");

    public static CSharpCompilation Create(Corpus corpus) =>
        CSharpCompilation.Create(corpus.Name, corpus.Files.Select(Parse), References(corpus.UsesTorchSharp), Options);

    /// <summary>
    /// Runs <paramref name="configuration"/> on a fresh copy of <paramref name="compilation"/> and measures the
    /// process's CPU time around it: the same parse, but new syntax trees over it (<see cref="Renew"/>) and a new
    /// compilation of them, so that nothing an earlier run built (symbols, declarations, bound trees, caches keyed by
    /// syntax nodes) is carried over, as in a build, which sees each tree once. Analysis runs on one thread
    /// (<c>concurrentAnalysis: false</c>): the same work as concurrent analysis, without the scheduling noise, and
    /// what callgrind (one thread) sees too.
    /// </summary>
    public static RunResult Run(Configuration configuration, CSharpCompilation compilation)
    {
        var folder = Path.Combine(Root, "run" + Interlocked.Increment(ref _runs).ToString(CultureInfo.InvariantCulture));
        var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(tree => Renew(tree, folder)));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var exceptions = new ConcurrentQueue<Exception>();
        var before = CpuNow();
        ImmutableArray<Diagnostic> diagnostics;
        if (configuration.IsCompileOnly)
        {
            diagnostics = fresh.GetDiagnostics();
        }
        else
        {
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false);
            diagnostics = fresh.WithAnalyzers(configuration.Analyzers, options).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        }
        var cpu = CpuNow() - before;
        if (!exceptions.IsEmpty || diagnostics.Any(d => d.Id == "AD0001"))
        {
            var first = exceptions.TryPeek(out var e) ? e.ToString() : diagnostics.First(d => d.Id == "AD0001").GetMessage();
            throw new BenchmarkFailure($"An analyzer threw in '{configuration.Name}': {first}");
        }
        var findings = diagnostics
            .Where(d => d.Severity != DiagnosticSeverity.Error && d.Location.IsInSource && !d.Id.StartsWith("CS", StringComparison.Ordinal))
            .GroupBy(d => d.Id)
            .ToImmutableDictionary(g => g.Key, g => g.Count());
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return new RunResult(cpu, findings, errors);
    }

    // A new tree over the same text and parse: under another folder, the tree's root is a new node over the same green
    // tree, so every syntax node a run touches is made anew (and no parsing, which stays outside the measurements).
    private static SyntaxTree Renew(SyntaxTree tree, string folder) =>
        tree.WithFilePath(Path.Combine(folder, Path.GetRelativePath(Root, tree.FilePath)));

    private static long _runs;

    public static TimeSpan CpuNow()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}

/// <summary>A benchmark that must not report figures: a wrong planted count, an analyzer crash, a corpus that does not compile.</summary>
internal sealed class BenchmarkFailure : Exception
{
    public BenchmarkFailure(string message) : base(message)
    {
    }
}

/// <summary>Medians and percentiles of a set of samples.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>The <paramref name="p"/> quantile, interpolated between the nearest ranks.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}

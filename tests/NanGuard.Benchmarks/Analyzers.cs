using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

// The analyzers here are hosted in-process by the benchmark, never loaded by a compiler: no attribute.
#pragma warning disable RS1001

namespace NanGuard.Benchmarks;

/// <summary>
/// An analyzer the benchmark hosts to measure against: it reports nothing, and declares one hidden diagnostic it never
/// reports, since the driver skips an analyzer with no enabled diagnostic.
/// </summary>
/// <remarks>Hosted by the benchmark only, never shipped: no [DiagnosticAnalyzer] attribute, no release tracking.</remarks>
internal abstract class ReferenceAnalyzer : DiagnosticAnalyzer
{
    protected ReferenceAnalyzer(string id) =>
#pragma warning disable RS2008 // The benchmark's own analyzers are never shipped: no release tracking.
        SupportedDiagnostics = ImmutableArray.Create(new DiagnosticDescriptor(
            id, "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true));
#pragma warning restore RS2008

    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        Register(context);
    }

    protected abstract void Register(AnalysisContext context);
}

/// <summary>
/// The baseline: an analyzer that asks for every invocation and binary operator and does nothing with them. Roslyn
/// builds the operation trees for it exactly as for NanGuard, so NanGuard's cost over it is NanGuard's own work.
/// </summary>
internal sealed class BaselineAnalyzer : ReferenceAnalyzer
{
    public BaselineAnalyzer()
        : base("BENCH0001")
    {
    }

    protected override void Register(AnalysisContext context) =>
        context.RegisterOperationAction(static _ => { }, OperationKind.Invocation, OperationKind.Binary);
}

/// <summary>
/// The idle analyzer: NanGuard's shape on a compilation without TorchSharp (one compilation-start action that
/// registers nothing), and nothing else. What it costs over no analyzer at all is what the host charges for running
/// any analyzer, a price a build with the SDK's own analyzers pays anyway; NanGuard's cost without TorchSharp is
/// its cost over this.
/// </summary>
internal sealed class IdleAnalyzer : ReferenceAnalyzer
{
    public IdleAnalyzer()
        : base("BENCH0002")
    {
    }

#pragma warning disable RS1012 // Registering nothing is the point: NanGuard's start action on a compilation without TorchSharp.
    protected override void Register(AnalysisContext context) => context.RegisterCompilationStartAction(static _ => { });
#pragma warning restore RS1012
}

/// <summary>Loads the peer rule, CA2242, from the NetAnalyzers of the installed .NET SDK.</summary>
internal static class PeerAnalyzer
{
    /// <summary>The analyzer that reports CA2242, and the file it came from; or the reason it could not be loaded.</summary>
    public static (DiagnosticAnalyzer? Analyzer, string Source) Load(string? sdkOverride)
    {
        var folder = sdkOverride ?? FindSdkFolder();
        if (folder is null)
            return (null, "no .NET SDK folder found (pass --sdk <folder>)");
        var analyzers = Path.Combine(folder, "Sdks", "Microsoft.NET.Sdk", "analyzers");
        var loader = new Loader();
        var failures = new List<string>();
        foreach (var file in new[] { "Microsoft.CodeAnalysis.NetAnalyzers.dll", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll" })
        {
            var path = Path.Combine(analyzers, file);
            if (!File.Exists(path))
                continue;
            var reference = new AnalyzerFileReference(path, loader);
            reference.AnalyzerLoadFailed += (_, e) => failures.Add(e.Message + (e.Exception is null ? "" : ": " + e.Exception.Message));
            foreach (var analyzer in reference.GetAnalyzers(LanguageNames.CSharp))
            {
                if (analyzer.SupportedDiagnostics.Any(d => d.Id == Plants.PeerRule))
                    return (analyzer, $"{analyzer.GetType().Name} from {path}");
            }
        }
        return (null, $"no analyzer reporting {Plants.PeerRule} in {analyzers}" + (failures.Count > 0 ? ": " + failures[0] : ""));
    }

    /// <summary>The newest SDK of the running runtime's major version, beside the runtime (or under DOTNET_ROOT).</summary>
    private static string? FindSdkFolder()
    {
        var roots = new List<string>();
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root)
            roots.Add(root);
        // .../dotnet/shared/Microsoft.NETCore.App/<version>/
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        if (Directory.GetParent(runtime)?.Parent?.Parent is { } dotnet)
            roots.Add(dotnet.FullName);
        var major = Environment.Version.Major;
        foreach (var candidate in roots)
        {
            var sdk = Path.Combine(candidate, "sdk");
            if (!Directory.Exists(sdk))
                continue;
            var best = Directory.GetDirectories(sdk)
                .Select(d => (Path: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                .Where(d => d.Version is not null && d.Version.Major == major
                    && File.Exists(Path.Combine(d.Path, "Sdks", "Microsoft.NET.Sdk", "analyzers", "Microsoft.CodeAnalysis.NetAnalyzers.dll")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (best.Path is not null)
                return best.Path;
        }
        return null;
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }
}

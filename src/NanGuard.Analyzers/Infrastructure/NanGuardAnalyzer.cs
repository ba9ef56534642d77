using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// The base of NanGuard's analyzers: the one the compiler loads (<see cref="NanGuardRulesAnalyzer"/>, every rule) and
/// each <see cref="Rule"/> alone. Initialization is sealed here so that every rule runs concurrently, skips generated
/// code, gets one <see cref="Session"/> per compilation, and registers nothing at all for a compilation that does not
/// reference TorchSharp.
/// </summary>
public abstract class NanGuardAnalyzer : DiagnosticAnalyzer
{
    private RuleSet? _rules;

    private protected NanGuardAnalyzer()
    {
    }

    /// <summary>The rules whose findings this analyzer reports.</summary>
    internal abstract ImmutableArray<Rule> Reported { get; }

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analyzed (no Analyze flag), so no rule ever sees it. ReportDiagnostics only tells the
        // driver not to check each reported location against [GeneratedCode] symbols: that check scans every token of
        // the file the first time a diagnostic lands in it, which was a quarter of NanGuard's cost on a corpus with a
        // finding every 400 lines. It cannot let a finding into generated code: every rule reports inside the
        // operation block it was given, which is never generated code.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        var rules = _rules ??= new RuleSet(Reported, NanGuardRulesAnalyzer.Catalog);
        context.RegisterCompilationStartAction(start =>
        {
            if (Session.TryCreate(start.Compilation, start.Options) is { } session)
                rules.RegisterWith(start, session);
        });
    }
}

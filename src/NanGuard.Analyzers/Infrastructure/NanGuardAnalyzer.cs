using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// The base of every NanGuard rule. Initialization is sealed here so that every rule runs concurrently, skips
/// generated code, resolves TorchSharp's symbols once per compilation, and registers nothing at all for a
/// compilation that does not reference TorchSharp.
/// </summary>
/// <remarks>
/// A rule class is a complete analyzer (tests and the benchmark run one rule alone), but the compiler loads only
/// <see cref="NanGuardRulesAnalyzer"/>, which registers every rule through one <see cref="RuleRegistrar"/>.
/// </remarks>
public abstract class NanGuardAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analyzed (no Analyze flag), so no rule ever sees it. ReportDiagnostics only tells the
        // driver not to check each reported location against [GeneratedCode] symbols: that check scans every token of
        // the file the first time a diagnostic lands in it, which was a quarter of NanGuard's cost on a corpus with a
        // finding every 400 lines. It cannot let a finding into generated code: every rule reports inside the
        // operation it was given, which is never generated code.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = TorchSymbols.TryCreate(start.Compilation);
            if (symbols is null)
                return;
            var registrar = new RuleRegistrar(symbols);
            Register(registrar);
            registrar.RegisterWith(start);
        });
    }

    /// <summary>Adds the rule's handlers; called once per compilation that references TorchSharp.</summary>
    internal abstract void Register(RuleRegistrar rules);
}

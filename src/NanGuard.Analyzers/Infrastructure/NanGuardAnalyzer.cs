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
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
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

using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers;

/// <summary>
/// The analyzer the compiler loads: every NanGuard rule, registered through one registrar so that each invocation
/// is dispatched once by name to the rules that want it, and TorchSharp's symbols are resolved once per compilation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NanGuardRulesAnalyzer : NanGuardAnalyzer
{
    /// <summary>Every rule NanGuard ships: each concrete rule class in this assembly, in a stable order.</summary>
    internal static ImmutableArray<NanGuardAnalyzer> Rules { get; } = typeof(NanGuardRulesAnalyzer).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(NanGuardAnalyzer)) && !type.IsAbstract && type != typeof(NanGuardRulesAnalyzer))
        .OrderBy(type => type.FullName, System.StringComparer.Ordinal)
        .Select(type => (NanGuardAnalyzer)System.Activator.CreateInstance(type)!)
        .ToImmutableArray();

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        Rules.SelectMany(rule => rule.SupportedDiagnostics).ToImmutableArray();

    internal override void Register(RuleRegistrar rules)
    {
        foreach (var rule in Rules)
            rule.Register(rules);
    }
}

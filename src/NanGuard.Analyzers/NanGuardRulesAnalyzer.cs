using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers;

/// <summary>
/// The analyzer the compiler loads: every NanGuard rule, dispatched once per operation by method name or operator
/// kind, with one session per compilation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NanGuardRulesAnalyzer : NanGuardAnalyzer
{
    /// <summary>Every rule NanGuard ships: each concrete rule class in this assembly, in the order of their ids.</summary>
    internal static ImmutableArray<Rule> Catalog { get; } = typeof(NanGuardRulesAnalyzer).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(Rule)) && !type.IsAbstract)
        .Select(type => (Rule)System.Activator.CreateInstance(type)!)
        .OrderBy(rule => rule.Descriptor.Id, System.StringComparer.Ordinal)
        .ToImmutableArray();

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        Catalog.Select(rule => rule.Descriptor).ToImmutableArray();

    internal override ImmutableArray<Rule> Reported => Catalog;
}

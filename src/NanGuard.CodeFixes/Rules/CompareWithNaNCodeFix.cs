using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Rules;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG3002: <c>t == double.NaN</c> and <c>t.eq(double.NaN)</c> become <c>t.isnan()</c>. The negated forms get no fix:
/// TorchSharp as NanGuard compiles against has no <c>logical_not()</c> to write <c>t.isnan().logical_not()</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CompareWithNaNCodeFix)), Shared]
public sealed class CompareWithNaNCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the rewrite to isnan().</summary>
    public const string EquivalenceKey = DiagnosticIds.CompareWithNaN + ".IsNaN";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.CompareWithNaN);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(CompareWithNaNAnalyzer.NegatedProperty)
            || !TorchSyntax.TryGetOperation<IOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var comparison)
            || CompareWithNaNAnalyzer.TensorComparedWithNaN(comparison, context.Symbols) is not { } tensor)
            yield break;

        var replacement = TorchSyntax.InstanceCall(TorchSyntax.Expression(tensor), "isnan");
        yield return context.Replace("Use isnan()", EquivalenceKey, comparison.Syntax, replacement);
    }
}

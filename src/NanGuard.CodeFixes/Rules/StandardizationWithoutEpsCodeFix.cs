using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Rules;

namespace NanGuard.CodeFixes.Rules;

/// <summary>NG1012: divides by <c>(std + eps)</c>, eps from <c>nanguard.eps</c> (carried in the diagnostic).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StandardizationWithoutEpsCodeFix)), Shared]
public sealed class StandardizationWithoutEpsCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the eps rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.StandardizationWithoutEps + ".AddEps";

    /// <summary>The equivalence key of the NanGuard.Runtime rewrite, offered where the project references the runtime.</summary>
    public const string StableOpEquivalenceKey = DiagnosticIds.StandardizationWithoutEps + RuntimeApi.StableOpKey;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.StandardizationWithoutEps);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(StandardizationWithoutEpsAnalyzer.EpsProperty, out var eps) || eps is null
            || !TorchSyntax.TryGetOperation<IBinaryOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var quotient)
            || !StandardizationWithoutEpsAnalyzer.IsStandardization(quotient, context.Symbols))
            yield break;
        var std = quotient.RightOperand.Syntax;
        var guarded = SyntaxFactory.ParenthesizedExpression(
            SyntaxFactory.BinaryExpression(SyntaxKind.AddExpression, TorchSyntax.Expression(quotient.RightOperand), TorchSyntax.DoubleLiteral(eps)));
        yield return context.Replace("Add an epsilon to the standard deviation", EquivalenceKey, std, guarded);

        var safeDivision = RuntimeApi.StableOp(context, DiagnosticIds.StandardizationWithoutEps, "Use NanGuard's StableOps.safe_div",
            quotient.Syntax, "safe_div",
            TorchSyntax.Argument(TorchSyntax.Expression(quotient.LeftOperand)),
            TorchSyntax.Argument(TorchSyntax.Expression(quotient.RightOperand)),
            TorchSyntax.Argument(TorchSyntax.DoubleLiteral(eps)));
        if (safeDivision is not null)
            yield return safeDivision;
    }
}

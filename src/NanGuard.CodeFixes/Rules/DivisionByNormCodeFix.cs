using System.Collections.Immutable;
using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Matching;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1011: <c>x / x.norm(d, keepdim: true)</c> becomes <c>F.normalize(x, 2.0, d)</c>; the hand-written cosine becomes
/// <c>F.cosine_similarity(a, b, d)</c>. Both differ from the division only where a norm is below their eps.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DivisionByNormCodeFix)), Shared]
public sealed class DivisionByNormCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the normalize / cosine_similarity rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.DivisionByNorm + ".UseFunctional";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DivisionByNorm);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IBinaryOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var quotient)
            || !NormPatterns.IsDivisionByNorm(quotient, context.Symbols, out var match))
            yield break;
        var place = quotient.Syntax;
        var dim = Written(match.Norm.Dim, place, context) ?? DimLiteral(match.Norm.DimValue);
        if (!match.IsCosine)
        {
            var normalize = TorchSyntax.Call(TorchSyntax.Functional, "normalize",
                TorchSyntax.Argument(TorchSyntax.Expression(quotient.LeftOperand)),
                TorchSyntax.Argument(TorchSyntax.DoubleLiteral("2.0")),
                TorchSyntax.Argument(dim));
            yield return context.Replace("Use F.normalize", EquivalenceKey, place, normalize);
            yield break;
        }
        if ((Written(match.A!, place, context) ?? Written(match.Norm.Input, place, context)) is not { } a
            || (Written(match.B!, place, context) ?? Written(match.OtherNorm!.Value.Input, place, context)) is not { } b)
            yield break;
        var cosine = TorchSyntax.Call(TorchSyntax.Functional, "cosine_similarity",
            TorchSyntax.Argument(a), TorchSyntax.Argument(b), TorchSyntax.Argument(dim));
        yield return context.Replace("Use F.cosine_similarity", EquivalenceKey, place, cosine);
    }

    // A dim written as a constant the fix cannot name at the division's place.
    private static ExpressionSyntax DimLiteral(long value)
    {
        var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression,
            SyntaxFactory.Literal((int)System.Math.Abs(value)));
        return value < 0 ? SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, literal) : literal;
    }

    /// <summary>The expression as the user wrote it, where it can be written at <paramref name="place"/> with the same value.</summary>
    private static ExpressionSyntax? Written(IOperation operation, SyntaxNode place, FixContext context) =>
        Relocation.IsInside(operation, place) || Relocation.CanEvaluateAt(operation, place.SpanStart, context.Model)
            ? TorchSyntax.Expression(operation)
            : null;
}

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1011: <c>x / x.norm(d, keepdim: true)</c> becomes <c>F.normalize(x, 2.0, d)</c>; the hand-written cosine becomes
/// <c>F.cosine_similarity(a, b, d)</c>. Both differ from the division only where a norm is below their eps.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DivisionByNormCodeFix)), Shared]
public sealed class DivisionByNormCodeFix : RuleFix<DivisionByNormAnalyzer, DivisionByNormMatch>
{
    /// <summary>The equivalence key of the normalize / cosine_similarity rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.DivisionByNorm + ".UseFunctional";

    internal override IEnumerable<FixAction?> Fix(FixContext context, DivisionByNormMatch match, Diagnostic diagnostic)
    {
        var quotient = match.Quotient;
        var division = match.Division;
        var place = quotient.Syntax;
        var dim = Written(division.Norm.Dim, place, context) ?? DimLiteral(division.Norm.DimValue);
        if (!division.IsCosine)
        {
            var normalize = TorchSyntax.Call(TorchSyntax.Functional, "normalize",
                TorchSyntax.Argument(TorchSyntax.Expression(quotient.LeftOperand)),
                TorchSyntax.Argument(TorchSyntax.DoubleLiteral("2.0")),
                TorchSyntax.Argument(dim));
            yield return context.Replace("Use F.normalize", EquivalenceKey, place, normalize);
            yield break;
        }
        if ((Written(division.A!, place, context) ?? Written(division.Norm.Input, place, context)) is not { } a
            || (Written(division.B!, place, context) ?? Written(division.OtherNorm!.Value.Input, place, context)) is not { } b)
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
        Relocation.CanWriteAt(operation, place, context.Session)
            ? TorchSyntax.Expression(operation)
            : null;
}

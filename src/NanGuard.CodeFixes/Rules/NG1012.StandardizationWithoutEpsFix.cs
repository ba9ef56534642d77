namespace NanGuard.CodeFixes.Rules;

/// <summary>NG1012: divides by <c>(std + eps)</c>, eps from <c>nanguard.eps</c> (carried in the diagnostic).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StandardizationWithoutEpsCodeFix)), Shared]
public sealed class StandardizationWithoutEpsCodeFix : RuleFix<StandardizationWithoutEpsAnalyzer, StandardizationMatch>
{
    /// <summary>The equivalence key of the eps rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.StandardizationWithoutEps + ".AddEps";

    /// <summary>The equivalence key of the NanGuard.Runtime rewrite, offered where the project references the runtime.</summary>
    public const string StableOpEquivalenceKey = DiagnosticIds.StandardizationWithoutEps + RuntimeApi.StableOpKey;

    internal override IEnumerable<FixAction?> Fix(FixContext context, StandardizationMatch match, Diagnostic diagnostic)
    {
        var quotient = match.Quotient;
        if (!diagnostic.Properties.TryGetValue(StandardizationWithoutEpsAnalyzer.EpsProperty, out var eps) || eps is null)
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

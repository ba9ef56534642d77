namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1020: writes the epsilon the dtype can hold next to the value it guards (<c>1 - 1e-7</c> for <c>1 - 1e-8</c> in
/// float32, <c>1e-4</c> for <c>1e-8</c> in float16), in place of the one rounding erases.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(VanishingEpsilonCodeFix)), Shared]
public sealed class VanishingEpsilonCodeFix : RuleFix<VanishingEpsilonAnalyzer, VanishingEpsilonMatch>
{
    /// <summary>The equivalence key of the epsilon rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.VanishingEpsilon + ".RepresentableEpsilon";

    internal override IEnumerable<FixAction?> Fix(FixContext context, VanishingEpsilonMatch match, Diagnostic diagnostic)
    {
        // An optimizer's default eps: the call gets an eps argument the dtype holds (torch.optim.Adam(..., eps: 1e-4)).
        if (match.AddsEps)
        {
            if (match.Reported.Syntax is not InvocationExpressionSyntax call)
                yield break;
            var eps = SyntaxFactory.Argument(SyntaxFactory.ParseExpression(match.Replacement))
                .WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName("eps")));
            yield return context.Replace("Use an epsilon the dtype can hold", EquivalenceKey, call,
                call.WithArgumentList(call.ArgumentList.AddArguments(eps)));
            yield break;
        }
        var replaced = match.Erased.EpsilonOperand.Syntax;
        var written = SyntaxFactory.ParseExpression(match.Replacement);
        if (written is BinaryExpressionSyntax or PrefixUnaryExpressionSyntax && replaced.Parent is not ArgumentSyntax)
            written = SyntaxFactory.ParenthesizedExpression(written);
        yield return context.Replace("Use an epsilon the dtype can hold", EquivalenceKey, replaced, written.WithTriviaFrom(replaced));
    }
}

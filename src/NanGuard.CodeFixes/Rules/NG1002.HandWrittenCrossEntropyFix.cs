namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1002: rewrites a hand-written cross entropy as <c>F.cross_entropy</c> on the logits: Reduction.Sum for a total
/// sum, the default mean for <c>.sum(1).mean()</c>, and the class indices in place of <c>F.one_hot(labels, C)</c>.
/// Offered only where the analyzer found the rewrite keeps the value.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandWrittenCrossEntropyCodeFix)), Shared]
public sealed class HandWrittenCrossEntropyCodeFix : RuleFix<HandWrittenCrossEntropyAnalyzer, CrossEntropyMatch>
{
    /// <summary>The equivalence key of the cross_entropy rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.HandWrittenCrossEntropy + ".UseCrossEntropy";

    internal override IEnumerable<FixAction?> Fix(FixContext context, CrossEntropyMatch match, Diagnostic diagnostic)
    {
        if (match.LogProbabilities.Logits is not { } logits)
            yield break;

        var arguments = new List<ArgumentSyntax>
        {
            TorchSyntax.Argument(TorchSyntax.Expression(logits)),
            TorchSyntax.Argument(TorchSyntax.Expression(match.Labels ?? match.Target)),
        };
        if (match.Reduction == CrossEntropyReduction.Sum)
        {
            arguments.Add(TorchSyntax.NamedArgument("reduction", SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression, TorchSyntax.Reduction, SyntaxFactory.IdentifierName("Sum"))));
        }
        var crossEntropy = TorchSyntax.Call(TorchSyntax.Functional, "cross_entropy", arguments.ToArray());
        yield return context.Replace("Use F.cross_entropy on the logits", EquivalenceKey, match.Reported.Syntax, crossEntropy);
    }
}

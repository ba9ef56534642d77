namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1009: rewrites <c>y * torch.log(p)</c> (either way round, either form of log) as <c>torch.xlogy(y, p)</c>, which is
/// the same product except that it is 0, not NaN, where y is 0. TorchSharp has xlogy only as a static of torch.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(XLogYCodeFix)), Shared]
public sealed class XLogYCodeFix : RuleFix<XLogYAnalyzer, XLogYMatch>
{
    /// <summary>The equivalence key of the xlogy rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.XLogY + ".UseXLogY";

    internal override IEnumerable<FixAction?> Fix(FixContext context, XLogYMatch match, Diagnostic diagnostic)
    {
        var (product, factor, log) = (match.Anchor, match.Factor, match.Log);
        if (log.Input is not { } p || !Relocation.CanWriteAt(p, product.Syntax, context.Session))
            yield break;

        var arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
        {
            TorchSyntax.Argument(TorchSyntax.Expression(factor)),
            TorchSyntax.Argument(TorchSyntax.Expression(p)),
        }));
        // `log(p)` under `using static TorchSharp.torch;` is answered in kind: `xlogy(y, p)`.
        ExpressionSyntax callee = log.Invocation.Syntax is InvocationExpressionSyntax { Expression: IdentifierNameSyntax }
            ? SyntaxFactory.IdentifierName("xlogy")
            : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                TorchSyntax.ContainerLike(log, context.Session.Torch, TorchSyntax.Torch), SyntaxFactory.IdentifierName("xlogy"));
        var replacement = SyntaxFactory.InvocationExpression(callee, arguments);
        yield return context.Replace("Use torch.xlogy", EquivalenceKey, product.Syntax, replacement);
    }
}

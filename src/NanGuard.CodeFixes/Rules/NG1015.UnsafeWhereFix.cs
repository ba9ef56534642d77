namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1015: the "double where". The unsafe input of the branch (x of <c>log(x)</c>, b of <c>a / b</c>) is replaced by
/// <c>torch.where(c, x, torch.ones_like(x))</c> (ones on the side the outer where discards), so the discarded branch
/// computes log(1) = 0 or a / 1 and its gradient stays finite. The kept values are unchanged: exact forward.
/// Offered only where the branch is written inside the where and c and x can be written again (no calls).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsafeWhereCodeFix)), Shared]
public sealed class UnsafeWhereCodeFix : RuleFix<UnsafeWhereAnalyzer, UnsafeWhereMatch>
{
    /// <summary>The equivalence key of the double-where rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.UnsafeWhere + ".DoubleWhere";

    internal override IEnumerable<FixAction?> Fix(FixContext context, UnsafeWhereMatch match, Diagnostic diagnostic)
    {
        var (where, condition, input) = (match.Where.Invocation, match.Condition, match.Input);
        var callLike = new TorchCall(where);
        var x = TorchSyntax.Argument(TorchSyntax.Expression(input));
        var ones = SyntaxFactory.InvocationExpression(
            TorchSyntax.TorchFunctionLike(callLike, context.Session.Torch, "ones_like"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(x)));
        var onesArgument = TorchSyntax.Argument(ones);
        var keepsTrue = match.IsWhenTrue;
        var safe = SyntaxFactory.InvocationExpression(
            TorchSyntax.TorchFunctionLike(callLike, context.Session.Torch, "where"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                TorchSyntax.Argument(TorchSyntax.Expression(condition)),
                keepsTrue ? x : onesArgument,
                keepsTrue ? onesArgument : x,
            })));
        yield return context.Replace("Make the input safe inside the where", EquivalenceKey, input.Syntax, safe);
    }
}

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1006: rewrites <c>torch.exp(x) / torch.exp(x).sum(d, keepdim: true)</c> as <c>F.softmax(x, d)</c>, or
/// <c>x.exp() / ...</c> as <c>x.softmax(d)</c>. A sum asked for a dtype gets no fix: softmax's dtype would change
/// the precision of the whole computation, not of the sum alone.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandWrittenSoftmaxCodeFix)), Shared]
public sealed class HandWrittenSoftmaxCodeFix : RuleFix<HandWrittenSoftmaxAnalyzer, HandWrittenSoftmaxMatch>
{
    /// <summary>The equivalence key of the softmax rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.HandWrittenSoftmax + ".UseSoftmax";

    internal override IEnumerable<FixAction?> Fix(FixContext context, HandWrittenSoftmaxMatch match, Diagnostic diagnostic)
    {
        var (division, exp, sum) = (match.Anchor, match.Exp, match.Sum);
        if (sum.Argument("dim") is not { } dim
            || sum.Has("type")
            || exp.Input is not { } input
            || !Relocation.CanWriteAt(input, division.Syntax, context.Session))
            yield break;

        var x = TorchSyntax.Expression(input);
        var dimArgument = TorchSyntax.ArgumentLike(dim, "dim");
        ExpressionSyntax replacement = exp.IsInstanceForm
            ? TorchSyntax.InstanceCall(x, "softmax", dimArgument)
            : TorchSyntax.Call(TorchSyntax.Functional, "softmax", TorchSyntax.Argument(x), dimArgument);
        yield return context.Replace("Use softmax", EquivalenceKey, division.Syntax, replacement);
    }
}

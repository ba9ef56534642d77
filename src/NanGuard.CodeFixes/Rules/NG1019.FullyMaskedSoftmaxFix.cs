namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1019: replaces the -inf that masked_fill writes by the filled tensor's lowest finite value,
/// <c>torch.finfo(x.dtype).min</c> (or <c>float.MinValue</c> where the filled tensor is an expression the fix cannot
/// repeat and the code shows no float16 or bfloat16): a fully masked row becomes uniform, other rows are unchanged.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FullyMaskedSoftmaxCodeFix)), Shared]
public sealed class FullyMaskedSoftmaxCodeFix : RuleFix<FullyMaskedSoftmaxAnalyzer, FullyMaskedSoftmaxMatch>
{
    /// <summary>The equivalence key of the lowest-finite fill.</summary>
    public const string EquivalenceKey = DiagnosticIds.FullyMaskedSoftmax + ".FillLowestFinite";

    internal override IEnumerable<FixAction?> Fix(FixContext context, FullyMaskedSoftmaxMatch match, Diagnostic diagnostic)
    {
        if (match.Value is not { } value)
            yield break;
        ExpressionSyntax lowest = match.Receiver is { } receiver
            ? SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                TorchSyntax.Call(TorchSyntax.Torch, "finfo", TorchSyntax.Argument(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                        TorchSyntax.Expression(receiver), SyntaxFactory.IdentifierName("dtype")))),
                SyntaxFactory.IdentifierName("min"))
            : SyntaxFactory.ParseExpression("float.MinValue");
        yield return context.Replace("Fill with the lowest finite value", EquivalenceKey, value.Value.Syntax,
            lowest.WithTriviaFrom(value.Value.Syntax));
    }
}

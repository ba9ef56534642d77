namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1007: rewrites <c>torch.log(1 + torch.exp(x))</c> as <c>F.softplus(x)</c>, and <c>(1 + x.exp()).log()</c> as
/// <c>x.softplus()</c>: equal within rounding below softplus' threshold (20), and linear, so finite, above it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandWrittenSoftplusCodeFix)), Shared]
public sealed class HandWrittenSoftplusCodeFix : RuleFix<HandWrittenSoftplusAnalyzer, HandWrittenSoftplusMatch>
{
    /// <summary>The equivalence key of the softplus rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.HandWrittenSoftplus + ".UseSoftplus";

    internal override IEnumerable<FixAction?> Fix(FixContext context, HandWrittenSoftplusMatch match, Diagnostic diagnostic)
    {
        var invocation = match.Log.Invocation;
        if (match.Exp.Input is not { } input || !Relocation.CanWriteAt(input, invocation.Syntax, context.Session))
            yield break;

        var x = TorchSyntax.Expression(input);
        ExpressionSyntax replacement = invocation.Instance is not null
            ? TorchSyntax.InstanceCall(x, "softplus")
            : TorchSyntax.Call(TorchSyntax.Functional, "softplus", TorchSyntax.Argument(x));
        yield return context.Replace("Use softplus", EquivalenceKey, invocation.Syntax, replacement);
    }
}

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1017: clamps the exponent from above, <c>torch.exp(v.clamp_max(b))</c> / <c>v.clamp_max(b).exp()</c>, b from
/// <c>nanguard.NG1017.max_exponent</c> (default 20, at most 10 in float16); the value changes only where the exponent
/// was above b.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ExpOfUnboundedOutputCodeFix)), Shared]
public sealed class ExpOfUnboundedOutputCodeFix : RuleFix<ExpOfUnboundedOutputAnalyzer, ExpOfUnboundedOutputMatch>
{
    /// <summary>The equivalence key of the clamp rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.ExpOfUnboundedOutput + ".ClampExponent";

    internal override IEnumerable<FixAction?> Fix(FixContext context, ExpOfUnboundedOutputMatch match, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(ExpOfUnboundedOutputAnalyzer.BoundProperty, out var bound) || bound is null
            || TorchSyntax.WrittenInput(match.Exp.Invocation) is not { } written)
            yield break;
        var clamped = TorchSyntax.InstanceCall(written.WithoutTrivia(), "clamp_max", TorchSyntax.Argument(TorchSyntax.DoubleLiteral(bound)));
        yield return context.Replace("Clamp the exponent from above", EquivalenceKey, written, clamped);
    }
}

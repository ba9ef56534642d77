namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1013: clamps the divisor from below, <c>s.clamp_min(1)</c> for a count and <c>s.clamp_min(eps)</c> otherwise
/// (<c>torch.clamp_min(s, b)</c> where the sum was written in the static form); the value changes only where the sum was 0
/// (or, for a non-count, below eps).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DivisionByZeroableSumCodeFix)), Shared]
public sealed class DivisionByZeroableSumCodeFix : RuleFix<DivisionByZeroableSumAnalyzer, DivisionByZeroableSumMatch>
{
    /// <summary>The equivalence key of the clamp rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.DivisionByZeroableSum + ".ClampDivisor";

    /// <summary>The equivalence key of the NanGuard.Runtime rewrite, offered where the project references the runtime.</summary>
    public const string StableOpEquivalenceKey = DiagnosticIds.DivisionByZeroableSum + RuntimeApi.StableOpKey;

    internal override IEnumerable<FixAction?> Fix(FixContext context, DivisionByZeroableSumMatch match, Diagnostic diagnostic)
    {
        var quotient = match.Quotient;
        if (!diagnostic.Properties.TryGetValue(DivisionByZeroableSumAnalyzer.BoundProperty, out var bound) || bound is null)
            yield break;

        var divisor = ValueFlow.SkipConversions(quotient.RightOperand);
        var (written, clamped) = TorchSyntax.ClampMin(divisor, context.Session.Torch, bound);
        yield return context.Replace("Clamp the divisor from below", EquivalenceKey, written, clamped);

        var safeDivision = RuntimeApi.StableOp(context, DiagnosticIds.DivisionByZeroableSum, "Use NanGuard's StableOps.safe_div",
            quotient.Syntax, "safe_div",
            TorchSyntax.Argument(TorchSyntax.Expression(quotient.LeftOperand)),
            TorchSyntax.Argument(TorchSyntax.Expression(divisor)));
        if (safeDivision is not null)
            yield return safeDivision;
    }
}

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1016: clamps a divisor that cannot be negative from below, <c>d.clamp_min(1)</c> for a count and
/// <c>d.clamp_min(eps)</c> otherwise (<c>torch.clamp_min(d, b)</c> where d was written in the static form); where the
/// project references NanGuard.Runtime, also <c>StableOps.safe_div(x, d, eps)</c>, the only fix of a signed divisor.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DivisionByZeroableCodeFix)), Shared]
public sealed class DivisionByZeroableCodeFix : RuleFix<DivisionByZeroableAnalyzer, DivisionByZeroableMatch>
{
    /// <summary>The equivalence key of the clamp rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.DivisionByZeroable + ".ClampDivisor";

    /// <summary>The equivalence key of the NanGuard.Runtime rewrite, offered where the project references the runtime.</summary>
    public const string StableOpEquivalenceKey = DiagnosticIds.DivisionByZeroable + RuntimeApi.StableOpKey;

    internal override IEnumerable<FixAction?> Fix(FixContext context, DivisionByZeroableMatch match, Diagnostic diagnostic)
    {
        var quotient = match.Quotient;
        if (!diagnostic.Properties.TryGetValue(DivisionByZeroableAnalyzer.BoundProperty, out var bound) || bound is null)
            yield break;

        var divisor = ValueFlow.SkipConversions(quotient.RightOperand);
        if (!match.IsSigned)
        {
            var (written, clamped) = TorchSyntax.ClampMin(divisor, context.Session.Torch, bound);
            yield return context.Replace("Clamp the divisor from below", EquivalenceKey, written, clamped);
        }

        var safeDivision = RuntimeApi.StableOp(context, DiagnosticIds.DivisionByZeroable, "Use NanGuard's StableOps.safe_div",
            quotient.Syntax, "safe_div",
            TorchSyntax.Argument(TorchSyntax.Expression(quotient.LeftOperand)),
            TorchSyntax.Argument(TorchSyntax.Expression(divisor)),
            TorchSyntax.Argument(TorchSyntax.DoubleLiteral(bound)));
        if (safeDivision is not null)
            yield return safeDivision;
    }
}

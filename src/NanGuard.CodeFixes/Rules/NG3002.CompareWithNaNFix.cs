namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG3002: <c>t == double.NaN</c> and <c>t.eq(double.NaN)</c> become <c>t.isnan()</c>; the negated forms,
/// <c>t != double.NaN</c> and <c>t.ne(double.NaN)</c>, become <c>t.isnan().logical_not()</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CompareWithNaNCodeFix)), Shared]
public sealed class CompareWithNaNCodeFix : RuleFix<CompareWithNaNAnalyzer, CompareWithNaNMatch>
{
    /// <summary>The equivalence key of the rewrite to isnan().</summary>
    public const string EquivalenceKey = DiagnosticIds.CompareWithNaN + ".IsNaN";

    internal override IEnumerable<FixAction?> Fix(FixContext context, CompareWithNaNMatch match, Diagnostic diagnostic)
    {
        var comparison = match.Anchor;
        var replacement = TorchSyntax.InstanceCall(TorchSyntax.Expression(match.Tensor), "isnan");
        if (match.Negated)
            replacement = TorchSyntax.InstanceCall(replacement, "logical_not");
        yield return context.Replace(match.Negated ? "Use isnan().logical_not()" : "Use isnan()", EquivalenceKey, comparison.Syntax, replacement);
    }
}

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG3003: <c>sub.forward(x)</c> becomes <c>sub.call(x)</c>, only the name changes. Offered where the rewritten call
/// binds to the module's <c>call</c> with the same result type (named arguments spelt as forward's parameters, a
/// call with fewer parameters than forward, would not).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DirectForwardCallCodeFix)), Shared]
public sealed class DirectForwardCallCodeFix : RuleFix<DirectForwardCallAnalyzer, DirectForwardCallMatch>
{
    /// <summary>The equivalence key of the rewrite to call().</summary>
    public const string EquivalenceKey = DiagnosticIds.DirectForwardCall + ".Call";

    internal override IEnumerable<FixAction?> Fix(FixContext context, DirectForwardCallMatch match, Diagnostic diagnostic)
    {
        if (TorchSyntax.ForwardAsCall(match.Invocation, context.Model) is { } rewritten)
            yield return context.Replace("Call the submodule through call()", EquivalenceKey, match.Invocation.Syntax, rewritten);
    }
}

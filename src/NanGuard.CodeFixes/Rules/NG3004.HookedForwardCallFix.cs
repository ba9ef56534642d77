namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG3004: <c>model.forward(x)</c> becomes <c>model.call(x)</c>, so that the hooks registered on it run; the same
/// rewrite as NG3003's, offered where it binds to the module's <c>call</c> with the same result type.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HookedForwardCallCodeFix)), Shared]
public sealed class HookedForwardCallCodeFix : RuleFix<HookedForwardCallAnalyzer, HookedForwardCallMatch>
{
    /// <summary>The equivalence key of the rewrite to call().</summary>
    public const string EquivalenceKey = DiagnosticIds.HookedForwardCall + ".Call";

    internal override IEnumerable<FixAction?> Fix(FixContext context, HookedForwardCallMatch match, Diagnostic diagnostic)
    {
        if (TorchSyntax.ForwardAsCall(match.Invocation, context.Model) is { } rewritten)
            yield return context.Replace("Run the module through call() so that its hooks run", EquivalenceKey, match.Invocation.Syntax, rewritten);
    }
}

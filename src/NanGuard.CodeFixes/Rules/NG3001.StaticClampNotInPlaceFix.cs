namespace NanGuard.CodeFixes.Rules;

/// <summary>NG3001: <c>torch.clamp_min_(t, e);</c> becomes <c>t.clamp_min_(e);</c>, the instance method, which is in place.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaticClampNotInPlaceCodeFix)), Shared]
public sealed class StaticClampNotInPlaceCodeFix : RuleFix<StaticClampNotInPlaceAnalyzer, StaticClampMatch>
{
    /// <summary>The equivalence key of the rewrite to the instance method.</summary>
    public const string EquivalenceKey = DiagnosticIds.StaticClampNotInPlace + ".InstanceMethod";

    internal override IEnumerable<FixAction?> Fix(FixContext context, StaticClampMatch match, Diagnostic diagnostic)
    {
        var (invocation, input, bound) = (match.Clamp.Invocation, match.Clamp.Input!, match.Bound!);
        var replacement = TorchSyntax.InstanceCall(TorchSyntax.Expression(input), invocation.TargetMethod.Name, TorchSyntax.ArgumentLike(bound, match.BoundName));
        // `_ = torch.clamp_min_(t, e);` loses the discard with the call: the in-place call's result is not needed.
        var replaced = match.Discard?.Syntax ?? invocation.Syntax;
        yield return context.Replace("Clamp in place with " + invocation.TargetMethod.Name, EquivalenceKey, replaced, replacement);
    }
}

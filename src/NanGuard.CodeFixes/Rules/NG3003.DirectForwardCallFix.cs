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
        var invocation = match.Invocation;
        if (invocation.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } syntax)
            yield break;

        var name = SyntaxFactory.IdentifierName("call").WithTriviaFrom(access.Name);
        var rewritten = syntax.WithExpression(access.WithName(name));
        var bound = context.Model.GetSpeculativeSymbolInfo(syntax.SpanStart, rewritten, SpeculativeBindingOption.BindAsExpression).Symbol;
        if (bound is not IMethodSymbol { Name: "call" } call
            || !SymbolEqualityComparer.Default.Equals(call.ReturnType, invocation.TargetMethod.ReturnType))
            yield break;

        yield return context.Replace("Call the submodule through call()", EquivalenceKey, syntax, rewritten);
    }
}

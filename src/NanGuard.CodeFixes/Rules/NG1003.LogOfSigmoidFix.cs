namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1003: rewrites the log of a sigmoid as logsigmoid of the same logits, in the form the user wrote the sigmoid:
/// <c>torch.log(torch.sigmoid(x))</c> becomes <c>F.logsigmoid(x)</c>, <c>x.sigmoid().log()</c> becomes
/// <c>x.log_sigmoid()</c>, and <c>log(1 - sigmoid(x))</c> becomes <c>logsigmoid(-x)</c> (1 - sigmoid(x) = sigmoid(-x)).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfSigmoidCodeFix)), Shared]
public sealed class LogOfSigmoidCodeFix : RuleFix<LogOfSigmoidAnalyzer, LogOfSigmoidMatch>
{
    /// <summary>The equivalence key of the logsigmoid rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.LogOfSigmoid + ".UseLogSigmoid";

    internal override IEnumerable<FixAction?> Fix(FixContext context, LogOfSigmoidMatch match, Diagnostic diagnostic)
    {
        var sigmoid = match.Sigmoid;
        var x = TorchSyntax.Expression(sigmoid.Input!);
        if (match.Complement)
            x = ExpLogSyntax.Negate(x);
        var replacement = sigmoid.IsInstanceForm
            ? TorchSyntax.InstanceCall(x, "log_sigmoid")
            : TorchSyntax.Call(TorchSyntax.ContainerLike(sigmoid, context.Session.Functional, TorchSyntax.Functional), "logsigmoid", TorchSyntax.Argument(x));
        yield return context.Replace("Use logsigmoid", EquivalenceKey, match.Anchor.Syntax, replacement);
    }
}

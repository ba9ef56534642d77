namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1008: rewrites <c>torch.log(1 + x)</c> as <c>torch.log1p(x)</c> and <c>torch.exp(x) - 1</c> as
/// <c>torch.expm1(x)</c>, in the form the user wrote the log or the exp (<c>(1 + x).log()</c> becomes <c>x.log1p()</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(Log1pExpm1CodeFix)), Shared]
public sealed class Log1pExpm1CodeFix : RuleFix<Log1pExpm1Analyzer, Log1pExpm1Match>
{
    /// <summary>The equivalence key of both rewrites, so that one fix-all applies them together.</summary>
    public const string EquivalenceKey = DiagnosticIds.Log1pExpm1 + ".UseLog1pOrExpm1";

    internal override IEnumerable<FixAction?> Fix(FixContext context, Log1pExpm1Match match, Diagnostic diagnostic)
    {
        if (Relocation.CanWriteAt(match.Operand, match.Anchor.Syntax, context.Session))
        {
            yield return context.Replace(match.IsLog ? "Use log1p" : "Use expm1", EquivalenceKey, match.Anchor.Syntax,
                Rewrite(match.Like, match.Operand, match.Replacement, context));
        }
    }

    // The form follows the call that is replaced: torch.log(...) gives torch.log1p(x), (...).log() gives x.log1p().
    private static ExpressionSyntax Rewrite(TorchCall like, IOperation operand, string name, FixContext context)
    {
        var x = TorchSyntax.Expression(operand);
        return like.IsInstanceForm
            ? TorchSyntax.InstanceCall(x, name)
            : ExpLogSyntax.StaticCall(like, context.Session.Torch, TorchSyntax.Torch, name, context.Model, TorchSyntax.Argument(x));
    }
}

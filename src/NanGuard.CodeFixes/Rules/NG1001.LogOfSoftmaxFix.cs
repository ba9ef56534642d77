namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1001: rewrites the log of a softmax as log_softmax on the same logits, in the form the user wrote the softmax:
/// <c>x.softmax(d).log()</c> becomes <c>x.log_softmax(d)</c>, <c>torch.log(F.softmax(x, d))</c> becomes
/// <c>F.log_softmax(x, d)</c>, and a softmax asked for a dtype becomes <c>torch.special.log_softmax(x, d, dtype)</c>
/// (F.log_softmax has no dtype).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfSoftmaxCodeFix)), Shared]
public sealed class LogOfSoftmaxCodeFix : RuleFix<LogOfSoftmaxAnalyzer, LogOfSoftmaxMatch>
{
    /// <summary>The equivalence key of the log_softmax rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.LogOfSoftmax + ".UseLogSoftmax";

    internal override IEnumerable<FixAction?> Fix(FixContext context, LogOfSoftmaxMatch match, Diagnostic diagnostic)
    {
        if (match.Logits is { } logits && match.Dim is { } dim)
            yield return context.Replace("Use log_softmax", EquivalenceKey, match.Anchor.Syntax, LogSoftmax(match, logits, dim, context.Session));
    }

    private static ExpressionSyntax LogSoftmax(LogOfSoftmaxMatch match, IOperation logits, IArgumentOperation dim, Session session)
    {
        var softmax = match.Softmax;
        var arguments = new List<ArgumentSyntax> { TorchSyntax.ArgumentLike(dim, "dim") };
        if (softmax.Argument("dtype") is { } dtype)
            arguments.Add(TorchSyntax.ArgumentLike(dtype, "dtype"));
        var x = TorchSyntax.Expression(logits);
        if (match.Form == SoftmaxForm.Instance)
            return TorchSyntax.InstanceCall(x, "log_softmax", arguments.ToArray());
        var container = match.Form == SoftmaxForm.Special
            ? TorchSyntax.ContainerLike(softmax, session.Special, TorchSyntax.Special)
            : TorchSyntax.ContainerLike(softmax, session.Functional, TorchSyntax.Functional);
        arguments.Insert(0, TorchSyntax.Argument(x));
        return TorchSyntax.Call(container, "log_softmax", arguments.ToArray());
    }
}

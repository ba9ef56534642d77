namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1014: clamps the input away from the boundary: <c>torch.log(v.clamp_min(eps))</c>, and
/// <c>torch.acos(c.clamp_min(-1 + b).clamp_max(1 - b))</c> (TorchSharp's <c>clamp(min, max)</c> is ambiguous for two
/// numbers: a Scalar and a Tensor overload). No fix for the log of a comparison: clamping a boolean tensor is an error.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfZeroableCodeFix)), Shared]
public sealed class LogOfZeroableCodeFix : RuleFix<LogOfZeroableAnalyzer, LogOfZeroableMatch>
{
    /// <summary>The equivalence key of the clamp rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.LogOfZeroable + ".ClampInput";

    /// <summary>The equivalence key of the NanGuard.Runtime rewrite of a log, offered where the project references the runtime.</summary>
    public const string StableOpEquivalenceKey = DiagnosticIds.LogOfZeroable + RuntimeApi.StableOpKey;

    internal override IEnumerable<FixAction?> Fix(FixContext context, LogOfZeroableMatch match, Diagnostic diagnostic)
    {
        var invocation = match.Call.Invocation;
        if (!diagnostic.Properties.TryGetValue(LogOfZeroableAnalyzer.BoundProperty, out var bound) || bound is null
            || TorchSyntax.WrittenInput(invocation) is not { } written)
            yield break;

        // The operand as written, parentheses included, so that `(1 - p).log()` keeps one pair.
        var value = written.WithoutTrivia();
        if (match.IsInverseCosine)
        {
            var low = SyntaxFactory.BinaryExpression(SyntaxKind.AddExpression, Number("-1"), TorchSyntax.DoubleLiteral(bound));
            var high = SyntaxFactory.BinaryExpression(SyntaxKind.SubtractExpression, Number("1"), TorchSyntax.DoubleLiteral(bound));
            var clamped = TorchSyntax.InstanceCall(
                TorchSyntax.InstanceCall(value, "clamp_min", TorchSyntax.Argument(low)), "clamp_max", TorchSyntax.Argument(high));
            yield return context.Replace("Clamp the cosine inside (-1, 1)", EquivalenceKey, written, clamped);
        }
        else
        {
            var clamped = TorchSyntax.InstanceCall(value, "clamp_min", TorchSyntax.Argument(TorchSyntax.DoubleLiteral(bound)));
            yield return context.Replace("Clamp the input of log from below", EquivalenceKey, written, clamped);

            var safeLog = RuntimeApi.StableOp(context, DiagnosticIds.LogOfZeroable, "Use NanGuard's StableOps.safe_log",
                invocation.Syntax, "safe_log", TorchSyntax.Argument(value), TorchSyntax.Argument(TorchSyntax.DoubleLiteral(bound)));
            if (safeLog is not null)
                yield return safeLog;
        }
    }

    private static ExpressionSyntax Number(string text) => SyntaxFactory.ParseExpression(text);
}

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1018: clamps a base that cannot be negative from below inside the root, <c>torch.sqrt(v.clamp_min(eps))</c> /
/// <c>v.clamp_min(eps).pow(0.5)</c>; for sqrt, where the project references NanGuard.Runtime, also
/// <c>StableOps.safe_sqrt(v, eps)</c>. No fix for a base that can be negative.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RootAtBoundaryCodeFix)), Shared]
public sealed class RootAtBoundaryCodeFix : RuleFix<RootAtBoundaryAnalyzer, RootAtBoundaryMatch>
{
    /// <summary>The equivalence key of the clamp rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.RootAtBoundary + ".ClampBase";

    /// <summary>The equivalence key of the NanGuard.Runtime rewrite of a sqrt, offered where the project references the runtime.</summary>
    public const string StableOpEquivalenceKey = DiagnosticIds.RootAtBoundary + RuntimeApi.StableOpKey;

    internal override IEnumerable<FixAction?> Fix(FixContext context, RootAtBoundaryMatch match, Diagnostic diagnostic)
    {
        var invocation = match.Call.Invocation;
        if (!diagnostic.Properties.TryGetValue(RootAtBoundaryAnalyzer.BoundProperty, out var bound) || bound is null
            || TorchSyntax.WrittenInput(invocation) is not { } written)
            yield break;
        var value = written.WithoutTrivia();
        var clamped = TorchSyntax.InstanceCall(value, "clamp_min", TorchSyntax.Argument(TorchSyntax.DoubleLiteral(bound)));
        yield return context.Replace("Clamp the base from below", EquivalenceKey, written, clamped);

        if (match.Text != "sqrt")
            yield break;
        var safeSqrt = RuntimeApi.StableOp(context, DiagnosticIds.RootAtBoundary, "Use NanGuard's StableOps.safe_sqrt",
            invocation.Syntax, "safe_sqrt", TorchSyntax.Argument(value), TorchSyntax.Argument(TorchSyntax.DoubleLiteral(bound)));
        if (safeSqrt is not null)
            yield return safeSqrt;
    }
}

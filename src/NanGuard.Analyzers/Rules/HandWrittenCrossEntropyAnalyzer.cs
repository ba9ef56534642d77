using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1002: <c>-(y * torch.log(F.softmax(x, 1))).sum()</c>, the <c>.sum(1).mean()</c> form and the same over
/// log_softmax. Where the rewrite to cross_entropy would change the value, the rule reports without a fix and says why.
/// </summary>
public sealed class HandWrittenCrossEntropyAnalyzer : NanGuardAnalyzer
{
    /// <summary>Diagnostic property: present (with the reason) where the code fix must not be offered.</summary>
    public const string NoFixReasonProperty = "NoFixReason";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.HandWrittenCrossEntropy);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("sum", (context, invocation) => Analyze(context, invocation, symbols));
        rules.OnInvocation("mean", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (!symbols.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name)
            || !CrossEntropyMatcher.TryMatch(invocation, symbols, out var match)
            || invocation.SemanticModel is not { } model)
            return;

        var whyNoFix = match.WhyNoFix(model);
        var properties = whyNoFix is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(NoFixReasonProperty, whyNoFix);
        var advice = whyNoFix is null
            ? "use F.cross_entropy on the logits"
            : "no automatic fix: " + whyNoFix;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.HandWrittenCrossEntropy, match.Root.Syntax.GetLocation(), properties, advice));
    }
}

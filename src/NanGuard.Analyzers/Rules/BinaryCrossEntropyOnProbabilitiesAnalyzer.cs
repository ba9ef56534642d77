using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1004: <c>F.binary_cross_entropy(torch.sigmoid(x), y)</c> and the hand-written
/// <c>-(y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))</c>.
/// </summary>
public sealed class BinaryCrossEntropyOnProbabilitiesAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.BinaryCrossEntropyOnProbabilities);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("binary_cross_entropy", (context, invocation) => AnalyzeCall(context, invocation, symbols));
        rules.OnTensorOperator(BinaryOperatorKind.Add, (context, sum) => AnalyzeHandWritten(context, sum, symbols));
    }

    private static void AnalyzeCall(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (BinaryCrossEntropyMatcher.TryMatchCall(invocation, symbols, out var match))
            Report(context, match);
    }

    private static void AnalyzeHandWritten(OperationAnalysisContext context, IBinaryOperation sum, TorchSymbols symbols)
    {
        if (BinaryCrossEntropyMatcher.TryMatchHandWritten(sum, symbols, out var match))
            Report(context, match);
    }

    private static void Report(OperationAnalysisContext context, BinaryCrossEntropyMatch match) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.BinaryCrossEntropyOnProbabilities, match.Root.Syntax.GetLocation()));
}

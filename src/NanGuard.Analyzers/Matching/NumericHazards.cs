using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>
/// Whether a loss is computed by an expression one of the numerics rules (NG1xxx) flags: such a loss makes an
/// unclipped step a real risk, so the training rules raise their severity for it.
/// </summary>
internal static class NumericHazards
{
    /// <summary>The id of the first numerics hazard in the computation of <paramref name="value"/>, or null.</summary>
    public static string? Find(IOperation value, TorchSymbols symbols)
    {
        foreach (var operation in ValueFlow.Unwrap(value).DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && Hazard(invocation, symbols) is { } id)
                return id;
            if (operation is IBinaryOperation binary && Hazard(binary, symbols) is { } operatorId)
                return operatorId;
        }
        return null;
    }

    private static string? Hazard(IInvocationOperation invocation, TorchSymbols symbols)
    {
        var method = invocation.TargetMethod;
        if (symbols.IsOp(method, "log") && TorchPatterns.IsLogOfSoftmax(new TorchCall(invocation), symbols, out _))
            return DiagnosticIds.LogOfSoftmax;
        if ((symbols.IsOp(method, "sum") || symbols.IsOp(method, "mean")) && CrossEntropyMatcher.TryMatch(invocation, symbols, out _))
            return DiagnosticIds.HandWrittenCrossEntropy;
        if (symbols.IsOp(method, "log"))
            return LogHazard(new TorchCall(invocation), symbols);
        if (symbols.IsOp(method, "binary_cross_entropy") && BinaryCrossEntropyMatcher.TryMatchCall(invocation, symbols, out _))
            return DiagnosticIds.BinaryCrossEntropyOnProbabilities;
        return null;
    }

    private static string? LogHazard(TorchCall log, TorchSymbols symbols)
    {
        if (ExpLogPatterns.IsLogOfSigmoid(log, symbols, out _, out _))
            return BinaryCrossEntropyMatcher.IsPartOfHandWritten(log.Invocation, symbols)
                ? DiagnosticIds.BinaryCrossEntropyOnProbabilities
                : DiagnosticIds.LogOfSigmoid;
        if (ExpLogPatterns.IsLogOfSumOfExp(log, symbols, out _, out _))
            return DiagnosticIds.LogSumExp;
        if (ExpLogPatterns.IsLogOfOnePlusExp(log, symbols, out _))
            return DiagnosticIds.HandWrittenSoftplus;
        return null;
    }

    private static string? Hazard(IBinaryOperation binary, TorchSymbols symbols)
    {
        if (binary.OperatorKind == BinaryOperatorKind.Divide && ExpLogPatterns.IsHandWrittenSoftmax(binary, symbols, out _, out _))
            return DiagnosticIds.HandWrittenSoftmax;
        if (binary.OperatorKind == BinaryOperatorKind.Add && BinaryCrossEntropyMatcher.TryMatchHandWritten(binary, symbols, out _))
            return DiagnosticIds.BinaryCrossEntropyOnProbabilities;
        return null;
    }
}

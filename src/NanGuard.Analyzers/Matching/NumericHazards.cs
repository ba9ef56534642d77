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
        if (symbols.IsOp(method, "log"))
            return LogHazard(new TorchCall(invocation), symbols);
        if ((symbols.IsOp(method, "sum") || symbols.IsOp(method, "mean")) && CrossEntropyMatcher.TryMatch(invocation, symbols, out _))
            return DiagnosticIds.HandWrittenCrossEntropy;
        if ((symbols.IsOp(method, "sqrt") || symbols.IsOp(method, "pow")) && NumericPatterns.IsSqrtOfSumOfSquares(new TorchCall(invocation), symbols, out _, out _))
            return DiagnosticIds.SqrtOfSumOfSquares;
        if (symbols.IsOp(method, "where") && IsUnsafeWhere(new TorchCall(invocation), symbols))
            return DiagnosticIds.UnsafeWhere;
        if (symbols.IsOp(method, "binary_cross_entropy") && BinaryCrossEntropyMatcher.TryMatchCall(invocation, symbols, out _))
            return DiagnosticIds.BinaryCrossEntropyOnProbabilities;
        return null;
    }

    private static string? LogHazard(TorchCall log, TorchSymbols symbols)
    {
        if (TorchPatterns.IsLogOfSoftmax(log, symbols, out _))
            return DiagnosticIds.LogOfSoftmax;
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

    private static string? Hazard(IBinaryOperation binary, TorchSymbols symbols) => binary.OperatorKind switch
    {
        BinaryOperatorKind.Divide when ExpLogPatterns.IsHandWrittenSoftmax(binary, symbols, out _, out _) => DiagnosticIds.HandWrittenSoftmax,
        BinaryOperatorKind.Add when BinaryCrossEntropyMatcher.TryMatchHandWritten(binary, symbols, out _) => DiagnosticIds.BinaryCrossEntropyOnProbabilities,
        BinaryOperatorKind.Multiply when NumericPatterns.IsXLogY(binary, symbols, out _, out _) => DiagnosticIds.XLogY,
        BinaryOperatorKind.Divide when NormPatterns.IsDivisionByNorm(binary, symbols, out _) => DiagnosticIds.DivisionByNorm,
        _ => null,
    };

    private static bool IsUnsafeWhere(TorchCall where, TorchSymbols symbols) =>
        NumericPatterns.IsWhere(where, symbols, out _, out var whenTrue, out var whenFalse)
        && (NumericPatterns.IsUnsafeBranch(whenTrue, symbols, out _, out _) || NumericPatterns.IsUnsafeBranch(whenFalse, symbols, out _, out _));
}

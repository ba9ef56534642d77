using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>How a hand-written binary cross entropy reduces its terms.</summary>
internal enum BinaryCrossEntropyReduction
{
    /// <summary>No reduction: <c>Reduction.None</c>.</summary>
    None,
    /// <summary><c>.mean()</c>: the default <c>Reduction.Mean</c>.</summary>
    Mean,
    /// <summary><c>.sum()</c>: <c>Reduction.Sum</c>.</summary>
    Sum,
}

/// <summary>A binary cross entropy on sigmoid probabilities, library call or hand-written, and what its fix needs.</summary>
internal sealed class BinaryCrossEntropyMatch
{
    public BinaryCrossEntropyMatch(IOperation root, TorchCall sigmoid, IOperation target, BinaryCrossEntropyReduction reduction, TorchCall? call)
    {
        Root = root;
        Sigmoid = sigmoid;
        Target = target;
        Reduction = reduction;
        Call = call;
    }

    /// <summary>What is reported and replaced: the call, or the whole hand-written loss.</summary>
    public IOperation Root { get; }

    /// <summary>The sigmoid whose probabilities the loss takes.</summary>
    public TorchCall Sigmoid { get; }

    /// <summary>The logits.</summary>
    public IOperation? Logits => Sigmoid.Input;

    /// <summary>The target <c>y</c> as written.</summary>
    public IOperation Target { get; }

    public BinaryCrossEntropyReduction Reduction { get; }

    /// <summary>The <c>F.binary_cross_entropy</c> call, or null for the hand-written form.</summary>
    public TorchCall? Call { get; }
}

/// <summary>
/// Finds <c>F.binary_cross_entropy(sigmoid(x), y, ...)</c> and the hand-written
/// <c>-(y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))</c>: either order of the sum and of each product,
/// the negation outside or inside an optional <c>.mean()</c> / <c>.sum()</c>, every part through locals assigned once.
/// </summary>
internal static class BinaryCrossEntropyMatcher
{
    /// <summary><c>F.binary_cross_entropy(p, y, ...)</c> where <c>p</c> is a sigmoid.</summary>
    public static bool TryMatchCall(IInvocationOperation invocation, TorchSymbols symbols, out BinaryCrossEntropyMatch match)
    {
        match = null!;
        var call = new TorchCall(invocation);
        if (!symbols.IsOp(call.Method, "binary_cross_entropy")
            || call.Input is not { } input
            || !TorchPatterns.IsOp(input, symbols, "sigmoid", out var sigmoid)
            || call.Argument("target") is not { } target)
            return false;
        match = new BinaryCrossEntropyMatch(invocation, sigmoid, ValueFlow.SkipConversions(target.Value), BinaryCrossEntropyReduction.Mean, call);
        return true;
    }

    /// <summary>The hand-written loss whose sum of the two terms is <paramref name="sum"/>.</summary>
    public static bool TryMatchHandWritten(IBinaryOperation sum, TorchSymbols symbols, out BinaryCrossEntropyMatch match)
    {
        match = null!;
        if (sum.OperatorKind != BinaryOperatorKind.Add
            || !TryTerms(sum, symbols, out var sigmoid, out var target)
            || !TryClimb(sum, symbols, out var root, out var reduction))
            return false;
        match = new BinaryCrossEntropyMatch(root, sigmoid, target, reduction, call: null);
        return true;
    }

    /// <summary>True where <paramref name="log"/> is one of the two logs of a hand-written binary cross entropy.</summary>
    public static bool IsPartOfHandWritten(IInvocationOperation log, TorchSymbols symbols)
    {
        // The log is a factor of a product that is one addend of the sum.
        var product = ValueFlow.ParentValue(log);
        if (product is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply })
            return false;
        return ValueFlow.ParentValue(product) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum
            && TryMatchHandWritten(sum, symbols, out _);
    }

    private static bool TryTerms(IBinaryOperation sum, TorchSymbols symbols, out TorchCall sigmoid, out IOperation target)
    {
        return TryTerms(sum.LeftOperand, sum.RightOperand, symbols, out sigmoid, out target)
            || TryTerms(sum.RightOperand, sum.LeftOperand, symbols, out sigmoid, out target);
    }

    // positive: y * log(sigmoid(x)); negative: (1 - y) * log(1 - sigmoid(x)).
    private static bool TryTerms(IOperation positive, IOperation negative, TorchSymbols symbols, out TorchCall sigmoid, out IOperation target)
    {
        sigmoid = default;
        target = null!;
        if (!TryTerm(positive, symbols, complement: false, out sigmoid, out var y)
            || !TryTerm(negative, symbols, complement: true, out var otherSigmoid, out var weight)
            || !ExpLogPatterns.IsOneMinus(weight, symbols, out var otherY)
            || sigmoid.Input is not { } x
            || otherSigmoid.Input is not { } otherX
            || !ValueFlow.SameValue(x, otherX)
            || !ValueFlow.SameValue(y, otherY))
            return false;
        target = y;
        return true;
    }

    private static bool TryTerm(IOperation term, TorchSymbols symbols, bool complement, out TorchCall sigmoid, out IOperation factor)
    {
        sigmoid = default;
        factor = null!;
        if (!TorchPatterns.IsTensorOperator(term, symbols, BinaryOperatorKind.Multiply, out var product))
            return false;
        if (IsLog(product.RightOperand, symbols, complement, out sigmoid))
            factor = ValueFlow.SkipConversions(product.LeftOperand);
        else if (IsLog(product.LeftOperand, symbols, complement, out sigmoid))
            factor = ValueFlow.SkipConversions(product.RightOperand);
        return factor is not null;
    }

    private static bool IsLog(IOperation operation, TorchSymbols symbols, bool complement, out TorchCall sigmoid)
    {
        sigmoid = default;
        return TorchPatterns.IsOp(operation, symbols, "log", out var log)
            && ExpLogPatterns.IsLogOfSigmoid(log, symbols, out sigmoid, out var isComplement)
            && isComplement == complement;
    }

    // Above the sum: exactly one negation and at most one whole-tensor mean() or sum(), in either order.
    private static bool TryClimb(IOperation sum, TorchSymbols symbols, out IOperation root, out BinaryCrossEntropyReduction reduction)
    {
        root = sum;
        reduction = BinaryCrossEntropyReduction.None;
        var negated = false;
        var reduced = false;
        for (var current = (IOperation)sum; ValueFlow.ParentValue(current) is { } parent; current = parent)
        {
            if (!negated && TorchPatterns.IsTensorNegation(parent, symbols, out var negation)
                && ValueFlow.SkipConversions(negation.Operand) == current)
            {
                negated = true;
            }
            else if (!reduced && parent is IInvocationOperation invocation && IsWholeReduction(invocation, current, symbols, out var kind))
            {
                reduced = true;
                reduction = kind;
            }
            else
            {
                break;
            }
            root = parent;
        }
        return negated;
    }

    private static bool IsWholeReduction(IInvocationOperation invocation, IOperation input, TorchSymbols symbols, out BinaryCrossEntropyReduction reduction)
    {
        var call = new TorchCall(invocation);
        reduction = symbols.IsOp(call.Method, "mean") ? BinaryCrossEntropyReduction.Mean
            : symbols.IsOp(call.Method, "sum") ? BinaryCrossEntropyReduction.Sum
            : BinaryCrossEntropyReduction.None;
        return reduction != BinaryCrossEntropyReduction.None
            && call.ExplicitArgumentCount == (call.IsInstanceForm ? 0 : 1)
            && call.Input == input;
    }
}

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

/// <summary>NG1004's finding: a binary cross entropy on sigmoid probabilities, library call or hand-written, and what its fix needs.</summary>
public sealed class BinaryCrossEntropyMatch : Match
{
    internal BinaryCrossEntropyMatch(IOperation anchor, IOperation root, TorchCall sigmoid, IOperation target, BinaryCrossEntropyReduction reduction, TorchCall? call, ImmutableArray<IOperation> logs)
        : base(anchor)
    {
        Reported = root;
        Sigmoid = sigmoid;
        Target = target;
        Reduction = reduction;
        Call = call;
        Logs = logs;
    }

    /// <summary>What is reported and replaced: the call, or the whole hand-written loss.</summary>
    internal override IOperation Reported { get; }

    /// <summary>The loss and the logs written inside it (NG1003 says nothing more of those).</summary>
    internal override IEnumerable<IOperation> Covers => base.Covers.Concat(Logs);

    /// <summary>The sigmoid whose probabilities the loss takes.</summary>
    internal TorchCall Sigmoid { get; }

    /// <summary>The logits.</summary>
    internal IOperation? Logits => Sigmoid.Input;

    /// <summary>The target <c>y</c> as written.</summary>
    internal IOperation Target { get; }

    internal BinaryCrossEntropyReduction Reduction { get; }

    /// <summary>The <c>F.binary_cross_entropy</c> call, or null for the hand-written form.</summary>
    internal TorchCall? Call { get; }

    /// <summary>The two logs of the hand-written form where they are written inside it.</summary>
    private ImmutableArray<IOperation> Logs { get; }
}

/// <summary>
/// Finds <c>F.binary_cross_entropy(sigmoid(x), y, ...)</c> and the hand-written
/// <c>-(y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))</c>: either order of the sum and of each product,
/// the negation outside or inside an optional <c>.mean()</c> / <c>.sum()</c>, every part through locals assigned once.
/// </summary>
internal static class BinaryCrossEntropyMatcher
{
    /// <summary><c>F.binary_cross_entropy(p, y, ...)</c> where <c>p</c> is a sigmoid.</summary>
    public static bool TryMatchCall(IInvocationOperation invocation, Session session, out BinaryCrossEntropyMatch match)
    {
        match = null!;
        var call = new TorchCall(invocation);
        if (!session.IsOp(call.Method, "binary_cross_entropy")
            || call.Input is not { } input
            || !TorchPatterns.IsOp(input, session, "sigmoid", out var sigmoid)
            || call.Argument("target") is not { } target)
            return false;
        match = new BinaryCrossEntropyMatch(invocation, invocation, sigmoid, ValueFlow.SkipConversions(target.Value), BinaryCrossEntropyReduction.Mean, call, ImmutableArray<IOperation>.Empty);
        return true;
    }

    /// <summary>The hand-written loss whose sum of the two terms is <paramref name="sum"/>.</summary>
    public static bool TryMatchHandWritten(IBinaryOperation sum, Session session, out BinaryCrossEntropyMatch match)
    {
        match = null!;
        if (sum.OperatorKind != BinaryOperatorKind.Add
            || !TryTerms(sum, session, out var sigmoid, out var target)
            || !TryClimb(sum, session, out var root, out var reduction))
            return false;
        // The logs the sum holds directly (a log reached through a local is the local's own finding).
        var logs = sum.Descendants().OfType<IInvocationOperation>()
            .Where(invocation => session.IsOp(invocation.TargetMethod, "log"))
            .ToImmutableArray<IOperation>();
        match = new BinaryCrossEntropyMatch(sum, root, sigmoid, target, reduction, call: null, logs);
        return true;
    }

    private static bool TryTerms(IBinaryOperation sum, Session session, out TorchCall sigmoid, out IOperation target)
    {
        return TryTerms(sum.LeftOperand, sum.RightOperand, session, out sigmoid, out target)
            || TryTerms(sum.RightOperand, sum.LeftOperand, session, out sigmoid, out target);
    }

    // positive: y * log(sigmoid(x)); negative: (1 - y) * log(1 - sigmoid(x)).
    private static bool TryTerms(IOperation positive, IOperation negative, Session session, out TorchCall sigmoid, out IOperation target)
    {
        sigmoid = default;
        target = null!;
        if (!TryTerm(positive, session, complement: false, out sigmoid, out var y)
            || !TryTerm(negative, session, complement: true, out var otherSigmoid, out var weight)
            || !ExpLogPatterns.IsOneMinus(weight, session, out var otherY)
            || sigmoid.Input is not { } x
            || otherSigmoid.Input is not { } otherX
            || !ValueFlow.SameValue(x, otherX, session)
            || !ValueFlow.SameValue(y, otherY, session))
            return false;
        target = y;
        return true;
    }

    private static bool TryTerm(IOperation term, Session session, bool complement, out TorchCall sigmoid, out IOperation factor)
    {
        sigmoid = default;
        factor = null!;
        if (!TorchPatterns.IsTensorOperator(term, session, BinaryOperatorKind.Multiply, out var product))
            return false;
        if (IsLog(product.RightOperand, session, complement, out sigmoid))
            factor = ValueFlow.SkipConversions(product.LeftOperand);
        else if (IsLog(product.LeftOperand, session, complement, out sigmoid))
            factor = ValueFlow.SkipConversions(product.RightOperand);
        return factor is not null;
    }

    private static bool IsLog(IOperation operation, Session session, bool complement, out TorchCall sigmoid)
    {
        sigmoid = default;
        return TorchPatterns.IsOp(operation, session, "log", out var log)
            && ExpLogPatterns.IsLogOfSigmoid(log, session, out sigmoid, out var isComplement)
            && isComplement == complement;
    }

    // Above the sum: exactly one negation and at most one whole-tensor mean() or sum(), in either order.
    private static bool TryClimb(IOperation sum, Session session, out IOperation root, out BinaryCrossEntropyReduction reduction)
    {
        root = sum;
        reduction = BinaryCrossEntropyReduction.None;
        var negated = false;
        var reduced = false;
        for (var current = (IOperation)sum; ValueFlow.ParentValue(current) is { } parent; current = parent)
        {
            if (!negated && TorchPatterns.IsTensorNegation(parent, session, out var negation)
                && ValueFlow.SkipConversions(negation.Operand) == current)
            {
                negated = true;
            }
            else if (!reduced && parent is IInvocationOperation invocation && IsWholeReduction(invocation, current, session, out var kind))
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

    private static bool IsWholeReduction(IInvocationOperation invocation, IOperation input, Session session, out BinaryCrossEntropyReduction reduction)
    {
        var call = new TorchCall(invocation);
        reduction = session.IsOp(call.Method, "mean") ? BinaryCrossEntropyReduction.Mean
            : session.IsOp(call.Method, "sum") ? BinaryCrossEntropyReduction.Sum
            : BinaryCrossEntropyReduction.None;
        return reduction != BinaryCrossEntropyReduction.None
            && call.ExplicitArgumentCount == (call.IsInstanceForm ? 0 : 1)
            && call.Input == input;
    }
}

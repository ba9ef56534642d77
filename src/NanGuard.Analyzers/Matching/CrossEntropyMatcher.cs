namespace NanGuard.Analyzers.Matching;

/// <summary>How a hand-written cross entropy reduces its terms, which decides the reduction cross_entropy needs.</summary>
internal enum CrossEntropyReduction
{
    /// <summary><c>-(y * logp).sum()</c>: cross_entropy with Reduction.Sum.</summary>
    Sum,
    /// <summary><c>-(y * logp).sum(1).mean()</c>: cross_entropy with its default Reduction.Mean.</summary>
    MeanOverBatch,
    /// <summary><c>-(y * logp).mean()</c>: a mean over every element, C times smaller than cross_entropy's mean.</summary>
    MeanOverElements,
}

/// <summary>NG1002's finding: a hand-written cross entropy, the parts its fix needs, and whether the fix keeps its value.</summary>
public sealed class CrossEntropyMatch : Match
{
    internal CrossEntropyMatch(IInvocationOperation reduction, IOperation root, LogProbabilities logProbabilities, IOperation target, IOperation? labels, CrossEntropyReduction kind, Session session)
        : base(reduction)
    {
        Reported = root;
        LogProbabilities = logProbabilities;
        Target = target;
        Labels = labels;
        Reduction = kind;
        NoFixReason = WhyNoFix(session);
    }

    /// <summary>The whole loss expression, negation included: what is reported and replaced.</summary>
    internal override IOperation Reported { get; }

    /// <summary>The reduction, the loss and the log written inside it (NG1001 says nothing more of that log).</summary>
    internal override IEnumerable<IOperation> Covers =>
        Relocation.IsInside(LogProbabilities.Call.Invocation, Reported.Syntax)
            ? base.Covers.Concat(new[] { LogProbabilities.Call.Invocation })
            : base.Covers;

    internal LogProbabilities LogProbabilities { get; }

    /// <summary>The probability target <c>y</c> as written.</summary>
    internal IOperation Target { get; }

    /// <summary>Where <c>y</c> is <c>F.one_hot(labels, C)</c>: the class indices, which cross_entropy takes directly.</summary>
    internal IOperation? Labels { get; }

    internal CrossEntropyReduction Reduction { get; }

    /// <summary>Why cross_entropy would not compute the same value, or null where it would.</summary>
    internal override string? NoFixReason { get; }

    private string? WhyNoFix(Session session)
    {
        if (Reduction == CrossEntropyReduction.MeanOverElements)
            return "the mean over every element is C times smaller than cross_entropy's mean over the batch";
        if (LogProbabilities.Dim != 1)
            return "cross_entropy takes classes along dim 1";
        if (LogProbabilities.HasDtype)
            return "cross_entropy has no dtype argument";
        if (LogProbabilities.Logits is not { } logits || !Relocation.CanWriteAt(logits, Reported.Syntax, session))
            return "the logits cannot be read where the loss is computed";
        if (!Relocation.CanWriteAt(Labels ?? Target, Reported.Syntax, session))
            return "the target cannot be read where the loss is computed";
        return null;
    }
}

/// <summary>
/// Finds <c>-(y * log(softmax(x, 1))).sum()</c> and its variants: the negation outside or inside the reduction,
/// the product either way round, <c>log_softmax</c> in place of the log of a softmax, <c>.sum(1).mean()</c>,
/// static or instance reductions, and every part reached through a local assigned once.
/// </summary>
internal static class CrossEntropyMatcher
{
    /// <summary>Matches the loss whose outermost reduction is <paramref name="reduction"/>.</summary>
    public static bool TryMatch(IInvocationOperation reduction, Session session, out CrossEntropyMatch match)
    {
        match = null!;
        var call = new TorchCall(reduction);
        if (IsInnerOfMeanOverBatch(reduction, session) || call.Input is not { } input)
            return false;

        CrossEntropyReduction kind;
        IOperation terms;
        if (session.IsOp(call.Method, "sum") && !call.Has("dim") && !call.Has("dims"))
        {
            kind = CrossEntropyReduction.Sum;
            terms = input;
        }
        else if (session.IsOp(call.Method, "mean") && !call.Has("dims") && !call.Has("dim"))
        {
            if (TorchPatterns.IsOp(input, session, "sum", out var perSample) && perSample.IntegerArgument("dim") == 1 && !IsKeepDim(perSample) && perSample.Input is { } inner)
            {
                kind = CrossEntropyReduction.MeanOverBatch;
                terms = inner;
            }
            else
            {
                kind = CrossEntropyReduction.MeanOverElements;
                terms = input;
            }
        }
        else
        {
            return false;
        }

        var negatedInside = TorchPatterns.IsTensorNegation(ValueFlow.Peek(terms), session, out var innerNegation)
            && ValueFlow.Confirms(terms, innerNegation, session);
        if (negatedInside)
            terms = innerNegation.Operand;
        var outer = ValueFlow.ParentValue(reduction);
        var negatedOutside = TorchPatterns.IsTensorNegation(outer, session, out var outerNegation);
        if (negatedInside == negatedOutside)
            return false;

        if (!TorchPatterns.IsTensorProduct(terms, session, out var product))
            return false;
        IOperation target;
        LogProbabilities logProbabilities;
        if (TorchPatterns.IsLogProbabilities(product.RightOperand, session, out logProbabilities))
            target = ValueFlow.SkipConversions(product.LeftOperand);
        else if (TorchPatterns.IsLogProbabilities(product.LeftOperand, session, out logProbabilities))
            target = ValueFlow.SkipConversions(product.RightOperand);
        else
            return false;

        var labels = TorchPatterns.IsOp(target, session, "one_hot", out var oneHot) ? oneHot.Input : null;
        var root = negatedOutside ? (IOperation)outerNegation : reduction;
        match = new CrossEntropyMatch(reduction, root, logProbabilities, target, labels, kind, session);
        return true;
    }

    private static bool IsInnerOfMeanOverBatch(IInvocationOperation reduction, Session session) =>
        session.IsOp(reduction.TargetMethod, "sum")
        && ValueFlow.ParentValue(reduction) is IInvocationOperation outer
        && session.IsOp(outer.TargetMethod, "mean");

    private static bool IsKeepDim(TorchCall call) =>
        call.Argument("keepdim")?.Value.ConstantValue is { HasValue: true, Value: true };
}

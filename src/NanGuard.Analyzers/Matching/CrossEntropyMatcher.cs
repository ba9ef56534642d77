using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

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

/// <summary>A hand-written cross entropy and the parts its fix needs.</summary>
internal sealed class CrossEntropyMatch
{
    public CrossEntropyMatch(IOperation root, LogProbabilities logProbabilities, IOperation target, IOperation? labels, CrossEntropyReduction reduction)
    {
        Root = root;
        LogProbabilities = logProbabilities;
        Target = target;
        Labels = labels;
        Reduction = reduction;
    }

    /// <summary>The whole loss expression, negation included: what is reported and replaced.</summary>
    public IOperation Root { get; }

    public LogProbabilities LogProbabilities { get; }

    /// <summary>The probability target <c>y</c> as written.</summary>
    public IOperation Target { get; }

    /// <summary>Where <c>y</c> is <c>F.one_hot(labels, C)</c>: the class indices, which cross_entropy takes directly.</summary>
    public IOperation? Labels { get; }

    public CrossEntropyReduction Reduction { get; }

    /// <summary>Why cross_entropy would not compute the same value, or null where it would.</summary>
    public string? WhyNoFix(SemanticModel model)
    {
        if (Reduction == CrossEntropyReduction.MeanOverElements)
            return "the mean over every element is C times smaller than cross_entropy's mean over the batch";
        if (LogProbabilities.Dim != 1)
            return "cross_entropy takes classes along dim 1";
        if (LogProbabilities.HasDtype)
            return "cross_entropy has no dtype argument";
        var position = Root.Syntax.SpanStart;
        if (LogProbabilities.Logits is not { } logits || !Relocation.IsInside(logits, Root.Syntax) && !Relocation.CanEvaluateAt(logits, position, model))
            return "the logits cannot be read where the loss is computed";
        var target = Labels ?? Target;
        if (!Relocation.IsInside(target, Root.Syntax) && !Relocation.CanEvaluateAt(target, position, model))
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
    public static bool TryMatch(IInvocationOperation reduction, TorchSymbols symbols, out CrossEntropyMatch match)
    {
        match = null!;
        var call = new TorchCall(reduction);
        if (IsInnerOfMeanOverBatch(reduction, symbols) || call.Input is not { } input)
            return false;

        CrossEntropyReduction kind;
        IOperation terms;
        if (symbols.IsOp(call.Method, "sum") && !call.Has("dim") && !call.Has("dims"))
        {
            kind = CrossEntropyReduction.Sum;
            terms = input;
        }
        else if (symbols.IsOp(call.Method, "mean") && !call.Has("dims") && !call.Has("dim"))
        {
            if (TorchPatterns.IsOp(input, symbols, "sum", out var perSample) && perSample.IntegerArgument("dim") == 1 && !IsKeepDim(perSample) && perSample.Input is { } inner)
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

        var negatedInside = TorchPatterns.IsTensorNegation(ValueFlow.Peek(terms), symbols, out var innerNegation)
            && ValueFlow.Confirms(terms, innerNegation);
        if (negatedInside)
            terms = innerNegation.Operand;
        var outer = ValueFlow.ParentValue(reduction);
        var negatedOutside = TorchPatterns.IsTensorNegation(outer, symbols, out var outerNegation);
        if (negatedInside == negatedOutside)
            return false;

        if (!TorchPatterns.IsTensorProduct(terms, symbols, out var product))
            return false;
        IOperation target;
        LogProbabilities logProbabilities;
        if (TorchPatterns.IsLogProbabilities(product.RightOperand, symbols, out logProbabilities))
            target = ValueFlow.SkipConversions(product.LeftOperand);
        else if (TorchPatterns.IsLogProbabilities(product.LeftOperand, symbols, out logProbabilities))
            target = ValueFlow.SkipConversions(product.RightOperand);
        else
            return false;

        var labels = TorchPatterns.IsOp(target, symbols, "one_hot", out var oneHot) ? oneHot.Input : null;
        var root = negatedOutside ? (IOperation)outerNegation : reduction;
        match = new CrossEntropyMatch(root, logProbabilities, target, labels, kind);
        return true;
    }

    /// <summary>
    /// True where <paramref name="log"/> is the log of a hand-written cross entropy, which NG1002 reports as a whole
    /// (so NG1001 does not report the same log again).
    /// </summary>
    public static bool IsPartOfCrossEntropy(IInvocationOperation log, TorchSymbols symbols)
    {
        // The loss is at most a product, a negation and two reductions above the log.
        var current = (IOperation)log;
        for (var depth = 0; depth < 6 && current.Parent is { } parent; depth++, current = parent)
        {
            if (parent is IInvocationOperation reduction
                && TryMatch(reduction, symbols, out var match)
                && match.LogProbabilities.Call.Invocation.Syntax == log.Syntax)
                return true;
        }
        return false;
    }

    private static bool IsInnerOfMeanOverBatch(IInvocationOperation reduction, TorchSymbols symbols) =>
        symbols.IsOp(reduction.TargetMethod, "sum")
        && ValueFlow.ParentValue(reduction) is IInvocationOperation outer
        && symbols.IsOp(outer.TargetMethod, "mean");

    private static bool IsKeepDim(TorchCall call) =>
        call.Argument("keepdim")?.Value.ConstantValue is { HasValue: true, Value: true };
}

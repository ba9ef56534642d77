using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>A 2-norm over exactly one constant dim: <c>x.norm(d, keepdim)</c> or <c>torch.linalg.vector_norm(x, 2, new long[] { d }, keepdim)</c>.</summary>
internal readonly struct TwoNorm(TorchCall call, IOperation input, IOperation dim, long dimValue, bool keepdim)
{
    public TorchCall Call { get; } = call;

    /// <summary>The normed tensor as written.</summary>
    public IOperation Input { get; } = input;

    /// <summary>The dim as written (the argument's value, or the array element for vector_norm).</summary>
    public IOperation Dim { get; } = dim;

    public long DimValue { get; } = dimValue;

    public bool Keepdim { get; } = keepdim;
}

/// <summary>
/// A division by a norm NG1011 reports: <c>x / x.norm(d, keepdim: true)</c> (<see cref="IsCosine"/> false), or the
/// cosine <c>(a * b).sum(d) / (a.norm(d) * b.norm(d))</c> (<see cref="IsCosine"/> true).
/// </summary>
internal readonly struct NormDivision(IBinaryOperation quotient, TwoNorm norm, IOperation? a, IOperation? b, TwoNorm? otherNorm)
{
    public IBinaryOperation Quotient { get; } = quotient;

    /// <summary>The norm of x (normalize form) or of a (cosine form).</summary>
    public TwoNorm Norm { get; } = norm;

    /// <summary>The norm of b (cosine form only).</summary>
    public TwoNorm? OtherNorm { get; } = otherNorm;

    /// <summary>The factors of the cosine's product, as written in the numerator (cosine form only).</summary>
    public IOperation? A { get; } = a;

    public IOperation? B { get; } = b;

    public bool IsCosine => OtherNorm is not null;
}

/// <summary>The norm patterns NG1011 and NumericHazards share, each named for what it matches.</summary>
internal static class NormPatterns
{
    /// <summary>
    /// <c>x.norm(d, keepdim)</c> with p absent or 2, or <c>torch.linalg.vector_norm(x, 2, new long[] { d }, keepdim)</c> with
    /// ord absent or 2; d and keepdim constants. A norm over all elements, over several dims, or of another order is not one.
    /// </summary>
    public static bool IsTwoNormOverOneDim(IOperation operation, Session session, out TwoNorm norm)
    {
        norm = default;
        if (TorchPatterns.IsOp(operation, session, "norm", out var call))
            return IsTensorNorm(call, out norm);
        if (TorchPatterns.IsOp(operation, session, "vector_norm", out call))
            return IsVectorNorm(call, out norm);
        return false;
    }

    private static bool IsTensorNorm(TorchCall call, out TwoNorm norm)
    {
        norm = default;
        // The static torch.norm names its dim "dimension".
        var dimName = call.Has("dim") ? "dim" : "dimension";
        if (call.Input is not { } input
            || call.Argument(dimName) is not { } dim
            || call.IntegerArgument(dimName) is not { } dimValue
            || !IsDefaultOrTwo(call.Argument("p"))
            || Keepdim(call) is not { } keepdim)
            return false;
        norm = new TwoNorm(call, input, ValueFlow.SkipConversions(dim.Value), dimValue, keepdim);
        return true;
    }

    private static bool IsVectorNorm(TorchCall call, out TwoNorm norm)
    {
        norm = default;
        if (call.Input is not { } input
            || !IsDefaultOrTwo(call.Argument("ord"))
            || Keepdim(call) is not { } keepdim
            || call.Argument("dims") is not { } dims
            || ValueFlow.SkipConversions(dims.Value) is not IArrayCreationOperation { Initializer.ElementValues: { Length: 1 } elements }
            || NumericPatterns.Constant(elements[0]) is not { } value
            || value != System.Math.Floor(value))
            return false;
        norm = new TwoNorm(call, input, ValueFlow.SkipConversions(elements[0]), (long)value, keepdim);
        return true;
    }

    private static bool IsDefaultOrTwo(IArgumentOperation? order) =>
        order is null || NumericPatterns.Constant(order) == 2;

    private static bool? Keepdim(TorchCall call) => call.Argument("keepdim") switch
    {
        null => false,
        { Value.ConstantValue: { HasValue: true, Value: bool keep } } => keep,
        _ => null,
    };

    /// <summary>
    /// NG1011's pattern: <c>x / x.norm(d, keepdim: true)</c> (a 2-norm of the same value over one constant dim, kept), or
    /// <c>(a * b).sum(d) / (a.norm(d) * b.norm(d))</c> with one constant dim throughout and no keepdim.
    /// </summary>
    public static bool IsDivisionByNorm(IBinaryOperation quotient, Session session, out NormDivision match)
    {
        match = default;
        if (quotient.OperatorKind != BinaryOperatorKind.Divide
            || !session.IsOperator(quotient.OperatorMethod)
            || !NumericPatterns.IsTensor(quotient.LeftOperand, session))
            return false;
        if (IsTwoNormOverOneDim(quotient.RightOperand, session, out var norm) || IsUnsqueezedNorm(quotient.RightOperand, session, out norm))
        {
            if (!norm.Keepdim || !ValueFlow.SameValue(quotient.LeftOperand, norm.Input, session))
                return false;
            match = new NormDivision(quotient, norm, null, null, null);
            return true;
        }
        return IsCosine(quotient, session, out match);
    }

    /// <summary>
    /// <c>x / x.norm()</c>, <c>x / torch.norm(x)</c>, <c>x / linalg.vector_norm(x)</c>: x over the 2-norm of all its
    /// elements, 0 / 0 where x is all zeros (a parameter whose gradient is 0 everywhere).
    /// </summary>
    public static bool IsDivisionByWholeNorm(IBinaryOperation quotient, Session session)
    {
        if (quotient.OperatorKind != BinaryOperatorKind.Divide || !session.IsOperator(quotient.OperatorMethod))
            return false;
        var isNorm = TorchPatterns.IsOp(quotient.RightOperand, session, "norm", out var norm)
            && !norm.Has("dim") && !norm.Has("dimension") && IsDefaultOrTwo(norm.Argument("p"));
        var isVectorNorm = !isNorm && TorchPatterns.IsOp(quotient.RightOperand, session, "vector_norm", out norm)
            && !norm.Has("dims") && IsDefaultOrTwo(norm.Argument("ord"));
        return (isNorm || isVectorNorm) && norm.Input is { } input && ValueFlow.SameValue(quotient.LeftOperand, input, session);
    }

    // x.norm(d).unsqueeze(d): the norm with its dim put back, as keepdim would.
    private static bool IsUnsqueezedNorm(IOperation operation, Session session, out TwoNorm norm)
    {
        norm = default;
        if (!TorchPatterns.IsOp(operation, session, "unsqueeze", out var unsqueeze) || unsqueeze.IntegerArgument("dim") is not { } dim
            || unsqueeze.Input is not { } inner || !IsTwoNormOverOneDim(inner, session, out var reduced) || reduced.Keepdim
            || reduced.DimValue != dim || dim < 0)
            return false;
        norm = new TwoNorm(reduced.Call, reduced.Input, reduced.Dim, reduced.DimValue, keepdim: true);
        return true;
    }

    private static bool IsCosine(IBinaryOperation quotient, Session session, out NormDivision match)
    {
        match = default;
        if (!TorchPatterns.IsOp(quotient.LeftOperand, session, "sum", out var sum)
            || sum.IntegerArgument("dim") is not { } dim
            || sum.Has("type")
            || Keepdim(sum) != false
            || sum.Input is not { } summed
            || !TorchPatterns.IsTensorProduct(summed, session, out var product)
            || !TorchPatterns.IsTensorProduct(quotient.RightOperand, session, out var norms)
            || !IsTwoNormOverOneDim(norms.LeftOperand, session, out var first)
            || !IsTwoNormOverOneDim(norms.RightOperand, session, out var second)
            || first.Keepdim || second.Keepdim || first.DimValue != dim || second.DimValue != dim)
            return false;
        var a = ValueFlow.SkipConversions(product.LeftOperand);
        var b = ValueFlow.SkipConversions(product.RightOperand);
        if (ValueFlow.SameValue(a, first.Input, session) && ValueFlow.SameValue(b, second.Input, session))
            match = new NormDivision(quotient, first, a, b, second);
        else if (ValueFlow.SameValue(a, second.Input, session) && ValueFlow.SameValue(b, first.Input, session))
            match = new NormDivision(quotient, second, a, b, first);
        else
            return false;
        return true;
    }
}

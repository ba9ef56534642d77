using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1013: a division by the sum of a mask, a comparison, a relu or an abs, which is 0 when every term is. The bound
/// the fix clamps the divisor with travels in the "bound" property: 1 for a count, <c>nanguard.eps</c> otherwise.
/// </summary>
public sealed class DivisionByZeroableSumAnalyzer : Rule<DivisionByZeroableSumMatch>
{
    /// <summary>The diagnostic property holding the literal the fix passes to clamp_min.</summary>
    public const string BoundProperty = "bound";

    internal override DiagnosticDescriptor Descriptor => Descriptors.DivisionByZeroableSum;

    // A division this rule reports is its own: NG1016 says nothing of it.
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.DivisionByZeroable);

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide);

    internal override IEnumerable<DivisionByZeroableSumMatch> Find(IOperation anchor, Session session)
    {
        var quotient = (IBinaryOperation)anchor;
        if (!NumericPatterns.IsTensor(quotient.RightOperand, session))
            yield break;
        var divisor = session.Facts.Of(quotient.RightOperand);
        if (divisor.ProducerName == "sum" && divisor.CanBeZero
            && divisor.ZeroCause is "a mask" or "a comparison" or "a one-hot" or "a relu" or "an abs"
            && !Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield return new DivisionByZeroableSumMatch(quotient, divisor.ZeroCause, divisor.Kind == ValueKind.Count, divisor);
        else if (!divisor.IsKnown && IsWeightedMean(quotient, session) && !Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield return new DivisionByZeroableSumMatch(quotient, WeightsOfAMean, isCount: false, divisor);
    }

    /// <summary>The terms of the divisor of a weighted mean, as the message names them.</summary>
    internal const string WeightsOfAMean = "the weights of a weighted mean";

    // sum(x * w) / sum(w) (the numerator negated or not, over the same dims written or none): the mean of x weighted by
    // w, of weights nothing else is known of. A heuristic of this suggestion rule, as a name saying "mask" is: the weights
    // of a mean (an event indicator, a mask passed in) are 0 everywhere in a batch that has none.
    private static bool IsWeightedMean(IBinaryOperation quotient, Session session)
    {
        if (!TorchPatterns.IsOp(quotient.RightOperand, session, "sum", out var denominator) || denominator.Input is not { } weights
            || session.Facts.Of(weights).IsKnown)
            return false;
        var numerator = ValueFlow.Unwrap(quotient.LeftOperand, session);
        while (numerator is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negated)
            numerator = ValueFlow.Unwrap(negated.Operand, session);
        if (!TorchPatterns.IsOp(numerator, session, "sum", out var summed) || summed.Input is not { } product
            || !SameDims(summed, denominator))
            return false;
        return ValueFlow.Unwrap(product, session) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } multiply
            && session.IsOperator(multiply.OperatorMethod)
            && (ValueFlow.SameValue(multiply.LeftOperand, weights, session) || ValueFlow.SameValue(multiply.RightOperand, weights, session));
    }

    private static bool SameDims(TorchCall a, TorchCall b) =>
        (a.Argument("dim")?.Value.Syntax.ToString() ?? "") == (b.Argument("dim")?.Value.Syntax.ToString() ?? "");

    internal override IEnumerable<Location> AdditionalLocations(DivisionByZeroableSumMatch match) => Explain.Locations(match.Facts);

    internal override object?[] MessageArguments(DivisionByZeroableSumMatch match, Session session) =>
        new object?[] { match.Terms + Explain.Via(match.Facts), "clamp_min(" + Bound(match, session) + ")" };

    internal override ImmutableDictionary<string, string?>? Properties(DivisionByZeroableSumMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, Bound(match, session));

    private static string Bound(DivisionByZeroableSumMatch match, Session session) =>
        match.IsCount ? "1" : NanGuardOptions.ToLiteral(NanGuardOptions.Eps(session.Options, match.Anchor.Syntax.SyntaxTree));
}

/// <summary>NG1013's finding: the division, what its divisor sums, and whether they count something.</summary>
public sealed class DivisionByZeroableSumMatch : Match
{
    internal DivisionByZeroableSumMatch(IBinaryOperation quotient, string terms, bool isCount, Facts facts)
        : base(quotient)
    {
        Facts = facts;
        Quotient = quotient;
        Terms = terms;
        IsCount = isCount;
    }

    internal IBinaryOperation Quotient { get; }
    internal string Terms { get; }
    internal bool IsCount { get; }

    /// <summary>What the engine knows of the divisor, with the members it came through.</summary>
    internal Facts Facts { get; }
}

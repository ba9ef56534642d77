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

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide);

    internal override IEnumerable<DivisionByZeroableSumMatch> Find(IOperation anchor, Session session)
    {
        var quotient = (IBinaryOperation)anchor;
        if (NumericPatterns.IsTensor(quotient.RightOperand, session)
            && TorchPatterns.IsOp(quotient.RightOperand, session, "sum", out var sum)
            && sum.Input is { } summed
            && NumericPatterns.ZeroableTerms(summed, session, out var isCount) is { } terms)
            yield return new DivisionByZeroableSumMatch(quotient, terms, isCount);
    }

    internal override object?[] MessageArguments(DivisionByZeroableSumMatch match, Session session) =>
        new object?[] { match.Terms, "clamp_min(" + Bound(match, session) + ")" };

    internal override ImmutableDictionary<string, string?>? Properties(DivisionByZeroableSumMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, Bound(match, session));

    private static string Bound(DivisionByZeroableSumMatch match, Session session) =>
        match.IsCount ? "1" : NanGuardOptions.ToLiteral(NanGuardOptions.Eps(session.Options, match.Anchor.Syntax.SyntaxTree));
}

/// <summary>NG1013's finding: the division, what its divisor sums, and whether they count something.</summary>
public sealed class DivisionByZeroableSumMatch : Match
{
    internal DivisionByZeroableSumMatch(IBinaryOperation quotient, string terms, bool isCount)
        : base(quotient)
    {
        Quotient = quotient;
        Terms = terms;
        IsCount = isCount;
    }

    internal IBinaryOperation Quotient { get; }
    internal string Terms { get; }
    internal bool IsCount { get; }
}

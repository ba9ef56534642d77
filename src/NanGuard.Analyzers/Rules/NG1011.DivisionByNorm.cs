namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1011: <c>x / x.norm(d, keepdim: true)</c> and the hand-written cosine <c>(a * b).sum(d) / (a.norm(d) * b.norm(d))</c>,
/// which are 0 / 0 for a zero vector; <c>F.normalize</c> and <c>F.cosine_similarity</c> clamp the norm with an eps.
/// </summary>
public sealed class DivisionByNormAnalyzer : Rule<DivisionByNormMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.DivisionByNorm;

    // A division this rule reports is its own: NG1016 says nothing of it.
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.DivisionByZeroable);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide);

    internal override IEnumerable<DivisionByNormMatch> Find(IOperation anchor, Session session)
    {
        var quotient = (IBinaryOperation)anchor;
        if (Numerics.Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield break;
        if (NormPatterns.IsDivisionByNorm(quotient, session, out var division))
            yield return new DivisionByNormMatch(quotient, division);
        else if (NormPatterns.IsDivisionByWholeNorm(quotient, session))
            yield return new DivisionByNormMatch(quotient);
    }

    internal override object?[] MessageArguments(DivisionByNormMatch match, Session session) => new object?[]
    {
        match.NoFixReason is not null ? "x / x.norm().clamp_min(eps)"
        : match.Division.IsCosine ? "F.cosine_similarity(a, b, d)" : "F.normalize(x, 2.0, d)",
    };
}

/// <summary>NG1011's finding: the division and the norm (or two norms) it divides by.</summary>
public sealed class DivisionByNormMatch : Match
{
    internal DivisionByNormMatch(IBinaryOperation quotient, NormDivision division)
        : base(quotient)
    {
        Quotient = quotient;
        Division = division;
    }

    /// <summary>A division by the norm of all of x's elements: F.normalize takes one dim.</summary>
    internal DivisionByNormMatch(IBinaryOperation quotient)
        : base(quotient)
    {
        Quotient = quotient;
        NoFixReason = "the norm is over every element, and F.normalize normalises along one dim";
    }

    internal IBinaryOperation Quotient { get; }
    internal NormDivision Division { get; }
    internal override string? NoFixReason { get; }
}

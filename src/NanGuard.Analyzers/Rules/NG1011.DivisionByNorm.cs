namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1011: <c>x / x.norm(d, keepdim: true)</c> and the hand-written cosine <c>(a * b).sum(d) / (a.norm(d) * b.norm(d))</c>,
/// which are 0 / 0 for a zero vector; <c>F.normalize</c> and <c>F.cosine_similarity</c> clamp the norm with an eps.
/// </summary>
public sealed class DivisionByNormAnalyzer : Rule<DivisionByNormMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.DivisionByNorm;

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide);

    internal override IEnumerable<DivisionByNormMatch> Find(IOperation anchor, Session session)
    {
        var quotient = (IBinaryOperation)anchor;
        if (NormPatterns.IsDivisionByNorm(quotient, session, out var division)
            && !Numerics.Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield return new DivisionByNormMatch(quotient, division);
    }

    internal override object?[] MessageArguments(DivisionByNormMatch match, Session session) => new object?[]
    {
        match.Division.IsCosine ? "F.cosine_similarity(a, b, d)" : "F.normalize(x, 2.0, d)",
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

    internal IBinaryOperation Quotient { get; }
    internal NormDivision Division { get; }
}

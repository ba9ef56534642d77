using NanGuard.Analyzers.Numerics;

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
        if (!NumericPatterns.IsTensor(quotient.LeftOperand, session) || Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield break;
        if (NormPatterns.IsDivisionByNorm(quotient, session, out var division))
        {
            yield return new DivisionByNormMatch(quotient, division);
            yield break;
        }
        // Any other spelling of x divided by its own norm (torch.norm(x, ...), x.norm(1).unsqueeze(1), a norm from
        // another member): reported without the rewrite, which needs a 2-norm over one dim kept for broadcasting.
        var divisor = session.Facts.Of(quotient.RightOperand);
        if (divisor is { ProducerName: "norm", CanBeZero: true, Producer: IInvocationOperation norm }
            && new TorchCall(norm).Input is { } normed && ValueFlow.SameValue(normed, quotient.LeftOperand, session))
            yield return new DivisionByNormMatch(quotient, divisor);
    }

    internal override object?[] MessageArguments(DivisionByNormMatch match, Session session) => new object?[]
    {
        match.Facts is not null ? "F.normalize(x, p, d)" : match.Division.IsCosine ? "F.cosine_similarity(a, b, d)" : "F.normalize(x, 2.0, d)",
    };

    internal override IEnumerable<Location> AdditionalLocations(DivisionByNormMatch match) =>
        match.Facts is { } facts ? Explain.Locations(facts) : Enumerable.Empty<Location>();
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

    internal DivisionByNormMatch(IBinaryOperation quotient, Facts divisor)
        : base(quotient)
    {
        Quotient = quotient;
        Facts = divisor;
        NoFixReason = "the norm is not a 2-norm over one constant dim kept for broadcasting, which F.normalize computes";
    }

    internal IBinaryOperation Quotient { get; }
    internal NormDivision Division { get; }

    /// <summary>For a norm the rewrite cannot take: what the engine knows of it.</summary>
    internal Facts? Facts { get; }

    internal override string? NoFixReason { get; }
}

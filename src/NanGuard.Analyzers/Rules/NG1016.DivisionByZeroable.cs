using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1016: a division by a value the engine shows can be exactly 0 (a relu, a max of one, a range max - min, a norm or
/// std of another value, an exp that underflows, a count, a probability, an unbounded layer output), where no older
/// rule owns the case: NG1011 (a value over its own norm), NG1012 (standardisation), NG1013 (a sum of a mask, a
/// comparison, a relu or an abs) and NG1006 (a hand-written softmax) outrank it. The bound the clamp fix writes travels
/// in the "bound" property: 1 for a count, <c>nanguard.eps</c> otherwise.
/// </summary>
public sealed class DivisionByZeroableAnalyzer : Rule<DivisionByZeroableMatch>
{
    /// <summary>The diagnostic property holding the literal the fix passes to clamp_min, or to safe_div as its eps.</summary>
    public const string BoundProperty = "bound";

    internal override DiagnosticDescriptor Descriptor => Descriptors.DivisionByZeroable;

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide);

    internal override IEnumerable<DivisionByZeroableMatch> Find(IOperation anchor, Session session)
    {
        var quotient = (IBinaryOperation)anchor;
        // A tensor, or a number the engine knows counts something (the size of a boolean selection).
        var isTensor = NumericPatterns.IsTensor(quotient.RightOperand, session);
        var divisor = session.Facts.Of(quotient.RightOperand);
        if ((isTensor || divisor.Kind == ValueKind.Count) && IsZeroable(divisor) && !Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield return new DivisionByZeroableMatch(quotient, divisor, session.StableOps is not null, isTensor);
    }

    // Evidence only: a constant is not a tensor the fix could clamp, and 1 - t of a tensor nothing is known of (the
    // heuristic NG1014 reads as 1 - p) is as often 1 - beta ** t of an optimizer written by hand.
    // A divisor the code already shifted by an epsilon or clamped (divisor.Guard) is the author's decision about its
    // sign, not evidence of a 0: a signed value plus 1e-7 is left alone.
    private static bool IsZeroable(Facts divisor) =>
        divisor.CanBeZero
        && divisor.Guard is null
        // An exp (or a sum of exps) is 0 only once every exponent is below about -104 in float32: too far to be
        // evidence of a 0 where nothing else is known (a log-std head, a softmax's denominator).
        && divisor.ZeroCause != "an exp that underflows"
        && divisor.Kind is not (ValueKind.Constant or ValueKind.Module)
        && !(divisor.Kind == ValueKind.Complement && divisor.CanBeNegative);

    internal override IEnumerable<Location> AdditionalLocations(DivisionByZeroableMatch match) => Explain.Locations(match.Facts);

    internal override object?[] MessageArguments(DivisionByZeroableMatch match, Session session) => new object?[]
    {
        match.Facts.ZeroCause + Explain.Via(match.Facts),
        match.NoFixReason is { } why ? "no automatic fix: " + why
        : match.IsSigned ? "divide with StableOps.safe_div"
        : "clamp it with clamp_min(" + Bound(match, session) + ")",
    };

    internal override ImmutableDictionary<string, string?>? Properties(DivisionByZeroableMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, Bound(match, session));

    private static string Bound(DivisionByZeroableMatch match, Session session) =>
        match.IsCount ? "1" : NanGuardOptions.ToLiteral(NanGuardOptions.Eps(session.Options, match.Anchor.Syntax.SyntaxTree));
}

/// <summary>NG1016's finding: the division, what the engine knows of its divisor, and which fix fits it.</summary>
public sealed class DivisionByZeroableMatch : Match
{
    internal DivisionByZeroableMatch(IBinaryOperation quotient, Facts divisor, bool runtimeReferenced, bool isTensor)
        : base(quotient)
    {
        Quotient = quotient;
        Facts = divisor;
        IsCount = divisor.Kind == ValueKind.Count;
        IsSigned = divisor.CanBeNegative;
        NoFixReason = !isTensor ? "the divisor is a number, not a tensor a clamp could keep from 0; skip the case where it is 0 before dividing"
            : divisor.Kind == ValueKind.Mask && divisor.ZeroCause == "a comparison"
            ? "the divisor is a comparison (a boolean tensor), which has no clamp"
            : IsSigned && !runtimeReferenced
                ? "the divisor can be negative, where a clamp from below would change its value; NanGuard.Runtime's StableOps.safe_div keeps its sign"
                : null;
    }

    internal IBinaryOperation Quotient { get; }

    /// <summary>What the engine knows of the divisor, with the members it came through.</summary>
    internal Facts Facts { get; }

    /// <summary>True for a count of whole numbers, clamped to 1.</summary>
    internal bool IsCount { get; }

    /// <summary>True where the divisor can be negative: only StableOps.safe_div fits it.</summary>
    internal bool IsSigned { get; }

    internal override string? NoFixReason { get; }
}

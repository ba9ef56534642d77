using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1017: <c>torch.exp(v)</c> / <c>v.exp()</c> where v is a Linear or Conv output or a learned parameter (also scaled
/// by a constant, negated, or through members, or passed by a call in the compilation for a parameter the engine does
/// not follow) with no upper bound below exp's overflow (88.7 in float32, 11.1 in
/// float16). NG1005, NG1006 and NG1007 outrank it: an exp inside a log-sum-exp, a hand-written softmax or softplus is
/// theirs. The bound the fix clamps the exponent to travels in the "bound" property.
/// </summary>
public sealed class ExpOfUnboundedOutputAnalyzer : Rule<ExpOfUnboundedOutputMatch>
{
    /// <summary>The diagnostic property holding the literal the fix passes to clamp_max.</summary>
    public const string BoundProperty = "bound";

    /// <summary>
    /// The largest bound written for a float16 exponent: exp(10) = 22026 leaves float16's largest value (65504) a
    /// factor of 3 of room; exp(11.1) overflows it.
    /// </summary>
    public const double MaxFloat16Exponent = 10;

    internal override DiagnosticDescriptor Descriptor => Descriptors.ExpOfUnboundedOutput;

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("exp");

    internal override IEnumerable<ExpOfUnboundedOutputMatch> Find(IOperation anchor, Session session)
    {
        var call = new TorchCall((IInvocationOperation)anchor);
        if (!session.IsOp(call.Method, "exp") || call.Input is not { } input)
            yield break;
        var exponent = session.Facts.Of(input);
        // A parameter of which nothing is known (a public method's): the layer output a call in the compilation passes.
        if (!exponent.IsKnown && Passed.Tensor(input, IsUnbounded, session) is { } passed)
            exponent = passed;
        if (IsUnbounded(exponent))
            yield return new ExpOfUnboundedOutputMatch(call, exponent);
    }

    private static bool IsUnbounded(Facts exponent) => exponent.Kind == ValueKind.ModelOutput && exponent.Hi > Ops.ExpOverflow(exponent.Dtype);

    internal override IEnumerable<Location> AdditionalLocations(ExpOfUnboundedOutputMatch match) => Explain.Locations(match.Facts);

    internal override object?[] MessageArguments(ExpOfUnboundedOutputMatch match, Session session) => new object?[]
    {
        Described(match.Facts) + Explain.Via(match.Facts),
        match.Facts.Dtype == "float16" ? "about 11.1 in float16" : "about 88.7 in float32",
        Bound(match, session),
    };

    internal override ImmutableDictionary<string, string?>? Properties(ExpOfUnboundedOutputMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, Bound(match, session));

    private static string Described(Facts exponent) =>
        exponent.ProducerName == "parameter" ? "a learned parameter" : "an unbounded layer output";

    // nanguard.NG1017.max_exponent, at most 10 in float16; a bound at or above the overflow would guard nothing.
    private static string Bound(ExpOfUnboundedOutputMatch match, Session session)
    {
        var dtype = match.Facts.Dtype;
        var bound = NanGuardOptions.MaxExponent(session.Options, match.Anchor.Syntax.SyntaxTree);
        if (bound >= Ops.ExpOverflow(dtype))
            bound = NanGuardOptions.DefaultMaxExponent;
        if (dtype == "float16")
            bound = System.Math.Min(bound, MaxFloat16Exponent);
        return NanGuardOptions.ToLiteral(bound);
    }
}

/// <summary>NG1017's finding: the exp and what the engine knows of its exponent.</summary>
public sealed class ExpOfUnboundedOutputMatch : Match
{
    internal ExpOfUnboundedOutputMatch(TorchCall exp, Facts exponent)
        : base(exp.Invocation)
    {
        Exp = exp;
        Facts = exponent;
    }

    internal TorchCall Exp { get; }

    /// <summary>What the engine knows of the exponent, with the members it came through.</summary>
    internal Facts Facts { get; }
}

using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1014: <c>torch.log(v)</c> where v is a relu, an abs, a mask, a count, <c>1 - p</c>, a uniform sample (log(0) = -inf),
/// an unbounded layer output or parameter, a sum across a softmax's rows, or a difference that can reach 0 (-inf at 0, NaN
/// below), also where a call in the compilation passes such a value for a parameter of a public method or of a module's
/// forward (<see cref="Passed"/>), and <c>torch.acos</c> /
/// <c>asin</c> of a cosine similarity (an infinite gradient at +-1). NG1001, NG1003 and NG1009 outrank it: a log they
/// report is theirs. The bound the fix clamps with travels in the "bound" property.
/// </summary>
public sealed class LogOfZeroableAnalyzer : Rule<LogOfZeroableMatch>
{
    /// <summary>The diagnostic property holding the eps literal the fix clamps with.</summary>
    public const string BoundProperty = "bound";

    /// <summary>
    /// The smallest distance from +-1 the acos/asin fix clamps to: 1 - 1e-8 rounds to 1.0 in float32, where the
    /// clamp would do nothing; 1 - 1e-7 stays below 1.
    /// </summary>
    public const double MinInverseCosineBound = 1e-7;

    internal override DiagnosticDescriptor Descriptor => Descriptors.LogOfZeroable;

    private protected override Listens Listen(Listens listens) => listens.Invocations(Ops.Logarithms).Invocations("acos", "asin");

    internal override IEnumerable<LogOfZeroableMatch> Find(IOperation anchor, Session session)
    {
        var call = new TorchCall((IInvocationOperation)anchor);
        if (call.Input is not { } input)
            yield break;
        if (session.IsOp(call.Method, "acos") || session.IsOp(call.Method, "asin"))
        {
            // A clamp to exactly [-1, 1] is no guard: the gradient of acos is infinite there.
            var cosine = session.Facts.Of(input);
            if (cosine.ProducerName == "cosine_similarity" && (cosine.Lo <= -1 || cosine.Hi >= 1))
                yield return new LogOfZeroableMatch(call, input, "a cosine similarity", cosine, isInverseCosine: true, isComparison: false);
        }
        else if (Ops.IsLogarithm(call.Method, session))
        {
            var facts = session.Facts.Of(input);
            // A value computed from a parameter of which nothing is known (a public method's, a module's forward's): what
            // it is for a call in the compilation that passes a known value.
            if (!facts.IsKnown && Passed.Tensor(input, IsZeroable, session) is { } passed)
                facts = passed;
            if (IsZeroable(facts) && !Guards.KeepsFromZero(input, anchor, session))
                yield return new LogOfZeroableMatch(call, input, facts.ZeroCause!, facts, isInverseCosine: false, facts.ZeroCause == "a comparison",
                    IsSigned(facts));
        }
    }

    // Values the code shows can be 0: a relu, an abs, a mask, a count, 1 - p, a uniform sample, a probability the rules
    // that own softmax and sigmoid do not report; and values that can be 0 or negative: an unbounded layer output or
    // parameter (the sigmoid or softmax is missing), a difference whose range holds 0. An exp's underflow is NG1005's
    // and NG1007's.
    private static bool IsZeroable(Facts facts) =>
        facts.CanBeZero
        && facts.Kind is ValueKind.NonNegative or ValueKind.Mask or ValueKind.Count or ValueKind.Complement or ValueKind.Uniform
            or ValueKind.Probability or ValueKind.ModelOutput or ValueKind.Bounded
        && facts.ZeroCause is not ("an exp that underflows" or "a softplus that underflows");

    // A value known to go below 0 (not the heuristic 1 - p of a tensor nothing is known of, which the clamp has always fixed).
    private static bool IsSigned(Facts facts) => facts.CanBeNegative && facts.Kind != ValueKind.Complement;

    internal override IEnumerable<Location> AdditionalLocations(LogOfZeroableMatch match) => Explain.Locations(match.Facts);

    internal override object?[] MessageArguments(LogOfZeroableMatch match, Session session) => match.IsInverseCosine
        ? new object?[] { match.Terms + Explain.Via(match.Facts), "+-1", "the gradient of " + match.Call.Method.Name, "clamp the input" }
        : new object?[] { match.Terms + Explain.Via(match.Facts), match.IsSigned ? "0 or negative" : "0", match.Call.Method.Name,
            match.NoFixReason is { } why ? "no automatic fix: " + why : "clamp the input" };

    internal override ImmutableDictionary<string, string?>? Properties(LogOfZeroableMatch match, Session session)
    {
        var eps = NanGuardOptions.Eps(session.Options, match.Anchor.Syntax.SyntaxTree);
        var bound = match.IsInverseCosine ? System.Math.Max(eps, MinInverseCosineBound) : eps;
        return ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, NanGuardOptions.ToLiteral(bound));
    }

}

/// <summary>NG1014's finding: the log (or acos/asin), its input, and what can make it reach the boundary.</summary>
public sealed class LogOfZeroableMatch : Match
{
    internal LogOfZeroableMatch(TorchCall call, IOperation input, string terms, Facts facts, bool isInverseCosine, bool isComparison,
        bool isSigned = false)
        : base(call.Invocation)
    {
        Facts = facts;
        Call = call;
        Input = input;
        Terms = terms;
        IsInverseCosine = isInverseCosine;
        IsSigned = isSigned;
        // Clamping a comparison (a boolean tensor) from below does not type-check: that log gets no fix. Nor does a
        // value that can be negative: the clamp would change it, and for a layer output hide the missing normalisation.
        NoFixReason = isComparison ? "the input is a comparison, which has no clamp"
            : isSigned && facts.Kind == ValueKind.ModelOutput
                ? "the input is " + terms + ", negative for about half its inputs: a clamp would hide the missing sigmoid or softmax; take logsigmoid or log_softmax of it instead"
            : isSigned ? "the input can be negative, where a clamp from below would change its value"
            : null;
    }

    internal TorchCall Call { get; }
    internal IOperation Input { get; }
    internal string Terms { get; }
    internal bool IsInverseCosine { get; }

    /// <summary>True where the input can be negative (NaN), not only 0.</summary>
    internal bool IsSigned { get; }

    /// <summary>What the engine knows of the input, with the members it came through.</summary>
    internal Facts Facts { get; }
    internal override string? NoFixReason { get; }
}

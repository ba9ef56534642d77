using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1018: <c>sqrt</c>, <c>rsqrt</c> and <c>pow(x, p)</c> with 0 &lt; p &lt; 1 of a value the engine shows can be 0 (an
/// infinite gradient there; rsqrt is inf), and any of them, or <c>pow</c> with another non-integer p, of a value that
/// can be negative (NaN). NG1010 outranks it: the root of a sum of squares is its own. The eps the clamp fix writes
/// travels in the "bound" property.
/// </summary>
public sealed class RootAtBoundaryAnalyzer : Rule<RootAtBoundaryMatch>
{
    /// <summary>The diagnostic property holding the literal the fix passes to clamp_min.</summary>
    public const string BoundProperty = "bound";

    internal override DiagnosticDescriptor Descriptor => Descriptors.RootAtBoundary;

    private protected override Listens Listen(Listens listens) => listens.Invocations("sqrt", "rsqrt", "pow");

    internal override IEnumerable<RootAtBoundaryMatch> Find(IOperation anchor, Session session)
    {
        var call = new TorchCall((IInvocationOperation)anchor);
        if (call.Input is not { } input || Root(call, session) is not { } root)
            yield break;
        var passed = root.Passed is { } argument ? argument.Syntax.GetLocation() : null;
        var facts = session.Facts.Of(input);
        if (!facts.IsKnown || facts.Kind is ValueKind.Constant or ValueKind.Module
            || facts.Kind == ValueKind.Complement && facts.CanBeNegative)
            yield break;
        if (facts.CanBeNegative && root.Exponent != 0)
            yield return new RootAtBoundaryMatch(call, input, root.Text, facts, negative: true, isReciprocal: root.Exponent < 0, passed);
        else if (facts.CanBeZero && root.Exponent is > -1 and < 1 && !(root.Exponent > 0 && IsReluZero(facts))
            && !Guards.KeepsFromZero(input, anchor, session))
            yield return new RootAtBoundaryMatch(call, input, root.Text, facts, negative: false, isReciprocal: root.Exponent < 0, passed);
    }

    // A 0 a relu makes: the relu's backward selects (0 where its input is not positive) rather than multiplies, so the
    // root's infinite gradient there never reaches the relu's input (measured by NG1014's proof for log). A clamp at 0
    // (clamp(min: 0)) is a relu: its backward selects too.
    private static bool IsReluZero(Facts facts) => facts.ZeroCause is "a relu" or "a relu6" or Ops.ClampAtZero;

    // The exponent of a root the rule looks at (0.5 for sqrt, -0.5 for rsqrt, p of pow(x, p) where p is a non-integer
    // constant, or a parameter that a call in the compilation passes a fractional number between -1 and 1 that reaches
    // the pow), as the message names it, with the argument that passes it; null for anything else (pow(x, 2), pow(x, t)
    // of a tensor).
    private static (double Exponent, string Text, IOperation? Passed)? Root(TorchCall call, Session session)
    {
        if (session.IsOp(call.Method, "sqrt"))
            return (0.5, "sqrt", null);
        if (session.IsOp(call.Method, "rsqrt"))
            return (-0.5, "rsqrt", null);
        if (!session.IsOp(call.Method, "pow") || call.Argument("exponent") is not { } argument)
            return null;
        if (NumericPatterns.Constant(argument) is { } p)
            return p != System.Math.Floor(p) && !double.IsInfinity(p) ? (p, "pow(x, " + Ops.Format(p) + ")", null) : null;
        if (ValueFlow.SkipConversions(argument.Value) is IParameterReferenceOperation exponent
            && Passed.Number(exponent, q => q > -1 && q < 1 && q != System.Math.Floor(q), session) is { } passed)
        {
            var caller = Passed.Caller(passed.Argument);
            var name = exponent.Parameter.Name;
            return (passed.Value, "pow(x, " + name + ") with " + name + " " + Ops.Format(passed.Value) + " (as " + caller + " calls it)", passed.Argument);
        }
        return null;
    }

    internal override IEnumerable<Location> AdditionalLocations(RootAtBoundaryMatch match) =>
        match.Passed is { } passed ? new[] { passed }.Concat(Explain.Locations(match.Facts)) : Explain.Locations(match.Facts);

    internal override object?[] MessageArguments(RootAtBoundaryMatch match, Session session) => new object?[]
    {
        match.Text,
        match.Facts.ZeroCause + Explain.Via(match.Facts),
        match.IsNegative ? "negative" : "0",
        match.IsNegative ? "is NaN there" : match.IsReciprocal ? "is inf there" : "has an infinite gradient there",
        match.NoFixReason is { } why ? "no automatic fix: " + why : "clamp the base with clamp_min(" + Bound(match, session) + ")",
    };

    internal override ImmutableDictionary<string, string?>? Properties(RootAtBoundaryMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, Bound(match, session));

    private static string Bound(RootAtBoundaryMatch match, Session session) =>
        NanGuardOptions.ToLiteral(NanGuardOptions.Eps(session.Options, match.Anchor.Syntax.SyntaxTree));
}

/// <summary>NG1018's finding: the root, its base, and whether the base can be negative or only 0.</summary>
public sealed class RootAtBoundaryMatch : Match
{
    internal RootAtBoundaryMatch(TorchCall call, IOperation input, string text, Facts facts, bool negative, bool isReciprocal, Location? passed)
        : base(call.Invocation)
    {
        Passed = passed;
        Call = call;
        Input = input;
        Text = text;
        Facts = facts;
        IsNegative = negative;
        IsReciprocal = isReciprocal;
        NoFixReason = negative
            ? facts.Kind == ValueKind.ModelOutput
                ? "the base is " + facts.ZeroCause + ", negative for about half its inputs: a clamp would hide that; make it non-negative by construction (softplus, exp, a square)"
                : "the base can be negative, where a clamp from below would change its value; make it non-negative by construction"
            : facts.Kind == ValueKind.Mask && facts.ZeroCause == "a comparison" ? "the base is a comparison (a boolean tensor), which has no clamp"
            : null;
    }

    internal TorchCall Call { get; }
    internal IOperation Input { get; }

    /// <summary>Where a call passes the exponent, for a pow whose exponent is a parameter; null otherwise.</summary>
    internal Location? Passed { get; }

    /// <summary>How the message names the root: "sqrt", "rsqrt", "pow(x, 0.5)".</summary>
    internal string Text { get; }

    /// <summary>What the engine knows of the base, with the members it came through.</summary>
    internal Facts Facts { get; }

    /// <summary>True where the base can be negative (NaN); false where it can only reach 0.</summary>
    internal bool IsNegative { get; }

    /// <summary>True for rsqrt, whose value (not only its gradient) is inf at 0.</summary>
    internal bool IsReciprocal { get; }

    internal override string? NoFixReason { get; }
}

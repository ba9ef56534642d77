namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1014: <c>torch.log(v)</c> where v is a relu, an abs, a mask or <c>1 - p</c> (log(0) = -inf), and <c>torch.acos</c> /
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

    private protected override Listens Listen(Listens listens) => listens.Invocations("log", "acos", "asin");

    internal override IEnumerable<LogOfZeroableMatch> Find(IOperation anchor, Session session)
    {
        var call = new TorchCall((IInvocationOperation)anchor);
        if (call.Input is not { } input)
            yield break;
        if ((session.IsOp(call.Method, "acos") || session.IsOp(call.Method, "asin"))
            && TorchPatterns.IsOp(input, session, "cosine_similarity", out _))
        {
            yield return new LogOfZeroableMatch(call, input, "a cosine similarity", isInverseCosine: true, isComparison: false);
        }
        else if (session.IsOp(call.Method, "log")
            && (NumericPatterns.ZeroableTerms(input, session, out _) ?? (IsOneMinus(input, session) ? "1 - p" : null)) is { } terms)
        {
            yield return new LogOfZeroableMatch(call, input, terms, isInverseCosine: false, NumericPatterns.IsComparison(input, session));
        }
    }

    internal override object?[] MessageArguments(LogOfZeroableMatch match, Session session) => match.IsInverseCosine
        ? new object?[] { match.Terms, "+-1", "the gradient of " + match.Call.Method.Name }
        : new object?[] { match.Terms, "0", "log" };

    internal override ImmutableDictionary<string, string?>? Properties(LogOfZeroableMatch match, Session session)
    {
        var eps = NanGuardOptions.Eps(session.Options, match.Anchor.Syntax.SyntaxTree);
        var bound = match.IsInverseCosine ? System.Math.Max(eps, MinInverseCosineBound) : eps;
        return ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, NanGuardOptions.ToLiteral(bound));
    }

    private static bool IsOneMinus(IOperation operation, Session session) =>
        ValueFlow.Peek(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference
        && session.IsOperator(difference.OperatorMethod)
        && NumericPatterns.Constant(difference.LeftOperand) == 1
        && ValueFlow.Confirms(operation, difference, session);
}

/// <summary>NG1014's finding: the log (or acos/asin), its input, and what can make it reach the boundary.</summary>
public sealed class LogOfZeroableMatch : Match
{
    internal LogOfZeroableMatch(TorchCall call, IOperation input, string terms, bool isInverseCosine, bool isComparison)
        : base(call.Invocation)
    {
        Call = call;
        Input = input;
        Terms = terms;
        IsInverseCosine = isInverseCosine;
        // Clamping a comparison (a bool tensor) from below does not type-check: that log gets no fix.
        NoFixReason = isComparison ? "the input is a comparison, which has no clamp" : null;
    }

    internal TorchCall Call { get; }
    internal IOperation Input { get; }
    internal string Terms { get; }
    internal bool IsInverseCosine { get; }
    internal override string? NoFixReason { get; }
}

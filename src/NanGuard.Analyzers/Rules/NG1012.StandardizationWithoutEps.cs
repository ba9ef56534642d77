namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1012: <c>(x - x.mean(d)) / x.std(d)</c> with no epsilon: 0 / 0 where every value along d is the same. The eps the
/// fix writes travels in the "eps" property.
/// </summary>
public sealed class StandardizationWithoutEpsAnalyzer : Rule<StandardizationMatch>
{
    /// <summary>The diagnostic property holding the eps literal the fix writes.</summary>
    public const string EpsProperty = "eps";

    internal override DiagnosticDescriptor Descriptor => Descriptors.StandardizationWithoutEps;

    // A division this rule reports is its own: NG1016 says nothing of it.
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.DivisionByZeroable);

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide);

    internal override IEnumerable<StandardizationMatch> Find(IOperation anchor, Session session)
    {
        var quotient = (IBinaryOperation)anchor;
        if (TorchPatterns.IsOp(quotient.RightOperand, session, "std", out var std)
            && std.Input is { } x
            && ValueFlow.Peek(quotient.LeftOperand) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } centred
            && session.IsOperator(centred.OperatorMethod)
            && ValueFlow.Confirms(quotient.LeftOperand, centred, session)
            && ValueFlow.SameValue(centred.LeftOperand, x, session)
            && TorchPatterns.IsOp(centred.RightOperand, session, "mean", out var mean)
            && mean.Input is { } meanInput
            && ValueFlow.SameValue(meanInput, x, session)
            && !Numerics.Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield return new StandardizationMatch(quotient);
    }

    internal override ImmutableDictionary<string, string?>? Properties(StandardizationMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(EpsProperty, NanGuardOptions.ToLiteral(NanGuardOptions.Eps(session.Options, match.Anchor.Syntax.SyntaxTree)));
}

/// <summary>NG1012's finding: the division of the centred values by their standard deviation.</summary>
public sealed class StandardizationMatch : Match
{
    internal StandardizationMatch(IBinaryOperation quotient)
        : base(quotient) => Quotient = quotient;

    internal IBinaryOperation Quotient { get; }
}

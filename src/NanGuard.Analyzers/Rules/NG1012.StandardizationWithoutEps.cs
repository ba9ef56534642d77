using NanGuard.Analyzers.Numerics;

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
        if (ValueFlow.Peek(quotient.LeftOperand) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } centred
            || !session.IsOperator(centred.OperatorMethod)
            || !ValueFlow.Confirms(quotient.LeftOperand, centred, session)
            || Guards.KeepsFromZero(quotient.RightOperand, quotient, session))
            yield break;
        // (x - mean(v)) / std(v), the statistics written here or kept in locals, fields or properties (a dataset's
        // precomputed mean and std): a v that is constant along the dim has std 0.
        if (session.Facts.Of(quotient.RightOperand) is { Exact: true, CanBeZero: true }
            && Statistic(quotient.RightOperand, "std", session) is { } deviated
            && Statistic(centred.RightOperand, "mean", session) is { } averaged
            && ValueFlow.SameValue(deviated, averaged, session))
            yield return new StandardizationMatch(quotient);
    }

    // The input of the std (or mean) that gives the value, wherever the engine found it.
    private static IOperation? Statistic(IOperation value, string name, Session session) =>
        session.Facts.Of(value) is { Producer: IInvocationOperation producer } facts && facts.ProducerName == name
            ? new TorchCall(producer).Input
            : null;

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

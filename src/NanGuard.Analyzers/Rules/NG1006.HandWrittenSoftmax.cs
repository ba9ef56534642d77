namespace NanGuard.Analyzers.Rules;

/// <summary>NG1006: the hand-written softmax <c>torch.exp(x) / torch.exp(x).sum(d, keepdim: true)</c>.</summary>
public sealed class HandWrittenSoftmaxAnalyzer : Rule<HandWrittenSoftmaxMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.HandWrittenSoftmax;

    // A division this rule reports, and its exps, are its own: NG1016 and NG1017 say nothing of them.
    internal override ImmutableArray<string> Outranks { get; } =
        ImmutableArray.Create(DiagnosticIds.DivisionByZeroable, DiagnosticIds.ExpOfUnboundedOutput);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide);

    internal override IEnumerable<HandWrittenSoftmaxMatch> Find(IOperation anchor, Session session)
    {
        var division = (IBinaryOperation)anchor;
        if (ExpLogPatterns.IsHandWrittenSoftmax(division, session, out var exp, out var sum))
            yield return new HandWrittenSoftmaxMatch(division, exp, sum);
    }
}

/// <summary>NG1006's finding: the division, its exp and the sum of exps it divides by.</summary>
public sealed class HandWrittenSoftmaxMatch : Match
{
    internal HandWrittenSoftmaxMatch(IBinaryOperation division, TorchCall exp, TorchCall sum)
        : base(division)
    {
        Exp = exp;
        Sum = sum;
    }

    internal TorchCall Exp { get; }
    internal TorchCall Sum { get; }

    /// <summary>The division and both exps: NG1017 reports none of them.</summary>
    internal override IEnumerable<IOperation> Covers =>
        Sum.Input is { } summed ? AnchorAnd(Exp.Invocation, ValueFlow.Peek(summed)) : AnchorAnd(Exp.Invocation);
}

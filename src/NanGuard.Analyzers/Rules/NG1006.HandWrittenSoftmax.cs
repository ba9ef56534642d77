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
        if (ExpLogPatterns.IsHandWrittenSoftmax(division, session, out var exp, out var sum) && CanOverflow(sum, session))
            yield return new HandWrittenSoftmaxMatch(division, exp, sum);
    }

    // A denominator whose exponent is kept below exp's overflow point (a clamp, the row's max subtracted) does not
    // overflow.
    private static bool CanOverflow(TorchCall sum, Session session) =>
        !(sum.Input is { } summed && TorchPatterns.IsOp(summed, session, "exp", out var exp) && exp.Input is { } exponent)
        || Numerics.Ops.CanOverflowExp(session.Facts.Of(exponent));
}

/// <summary>NG1006's finding: the division, its exp and the sum of exps it divides by.</summary>
public sealed class HandWrittenSoftmaxMatch : Match
{
    internal HandWrittenSoftmaxMatch(IBinaryOperation division, TorchCall exp, TorchCall sum)
        : base(division)
    {
        Exp = exp;
        Sum = sum;
        // exp(clamp(x)) / exp(x).sum(d): softmax(x) is what was meant, but it differs from the code where the clamp acts.
        NoFixReason = sum.Input is IInvocationOperation summed && new TorchCall(summed).Input is { } x && exp.Input is { } numerator
            && ValueFlow.SkipConversions(numerator).Syntax != ValueFlow.SkipConversions(x).Syntax
            && numerator is IInvocationOperation { TargetMethod.Name: "clamp" or "clip" }
            ? "the numerator's exponent is clamped and the denominator's is not: softmax differs from it where the clamp acts"
            : null;
    }

    internal TorchCall Exp { get; }
    internal TorchCall Sum { get; }
    internal override string? NoFixReason { get; }

    /// <summary>The division and both exps: NG1017 reports none of them.</summary>
    internal override IEnumerable<IOperation> Covers =>
        Sum.Input is { } summed ? AnchorAnd(Exp.Invocation, ValueFlow.Peek(summed)) : AnchorAnd(Exp.Invocation);
}

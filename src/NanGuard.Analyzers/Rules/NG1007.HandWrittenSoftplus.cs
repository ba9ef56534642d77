namespace NanGuard.Analyzers.Rules;

/// <summary>NG1007: <c>torch.log(1 + torch.exp(x))</c>, the hand-written softplus, which overflows.</summary>
public sealed class HandWrittenSoftplusAnalyzer : Rule<HandWrittenSoftplusMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.HandWrittenSoftplus;

    // log(1 + exp(x)) is NG1007's alone: softplus fixes the overflow, which NG1008's log1p would not.
    // Its exp is its own too: NG1017 says nothing of it.
    internal override ImmutableArray<string> Outranks { get; } =
        ImmutableArray.Create(DiagnosticIds.Log1pExpm1, DiagnosticIds.ExpOfUnboundedOutput);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("log");

    internal override IEnumerable<HandWrittenSoftplusMatch> Find(IOperation anchor, Session session)
    {
        var log = new TorchCall((IInvocationOperation)anchor);
        if (ExpLogPatterns.IsLogOfOnePlusExp(log, session, out var exp) && CanOverflow(exp, session))
            yield return new HandWrittenSoftplusMatch(log, exp);
    }

    // An exponent a clamp keeps below exp's overflow point makes the spelling harmless.
    private static bool CanOverflow(TorchCall call, Session session) =>
        call.Input is not { } exponent || Numerics.Ops.CanOverflowExp(session.Facts.Of(exponent));
}

/// <summary>NG1007's finding: the log and the exp inside it.</summary>
public sealed class HandWrittenSoftplusMatch : Match
{
    internal HandWrittenSoftplusMatch(TorchCall log, TorchCall exp)
        : base(log.Invocation)
    {
        Log = log;
        Exp = exp;
    }

    internal TorchCall Log { get; }
    internal TorchCall Exp { get; }

    /// <summary>The log and its exp.</summary>
    internal override IEnumerable<IOperation> Covers => AnchorAnd(Exp.Invocation);
}

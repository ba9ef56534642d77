namespace NanGuard.Analyzers.Rules;

/// <summary>NG1005: <c>torch.log(torch.exp(x).sum(d))</c>, <c>x.exp().sum(d).log()</c> and every other spelling.</summary>
public sealed class LogSumExpAnalyzer : Rule<LogSumExpMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.LogSumExp;

    // The exp inside a log-sum-exp is this rule's: NG1017 says nothing of it.
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.ExpOfUnboundedOutput);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("log");

    internal override IEnumerable<LogSumExpMatch> Find(IOperation anchor, Session session)
    {
        var log = new TorchCall((IInvocationOperation)anchor);
        if (ExpLogPatterns.IsLogOfSumOfExp(log, session, out var sum, out var exp) && CanOverflow(exp, session))
            yield return new LogSumExpMatch(log, sum, exp);
    }

    // An exponent a clamp keeps below exp's overflow point makes the spelling harmless.
    private static bool CanOverflow(TorchCall call, Session session) =>
        call.Input is not { } exponent || Numerics.Ops.CanOverflowExp(session.Facts.Of(exponent));
}

/// <summary>NG1005's finding: the log, the sum and the exp it sums.</summary>
public sealed class LogSumExpMatch : Match
{
    internal LogSumExpMatch(TorchCall log, TorchCall sum, TorchCall exp)
        : base(log.Invocation)
    {
        Log = log;
        Sum = sum;
        Exp = exp;
    }

    internal TorchCall Log { get; }
    internal TorchCall Sum { get; }
    internal TorchCall Exp { get; }

    /// <summary>The log and its exp.</summary>
    internal override IEnumerable<IOperation> Covers => AnchorAnd(Exp.Invocation);
}

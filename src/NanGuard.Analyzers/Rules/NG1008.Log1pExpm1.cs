namespace NanGuard.Analyzers.Rules;

/// <summary>NG1008: <c>torch.log(1 + x)</c> and <c>torch.exp(x) - 1</c>, which lose precision near 0.</summary>
public sealed class Log1pExpm1Analyzer : Rule<Log1pExpm1Match>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.Log1pExpm1;

    private protected override Listens Listen(Listens listens) =>
        listens.Invocations("log").TensorOperators(BinaryOperatorKind.Subtract);

    internal override IEnumerable<Log1pExpm1Match> Find(IOperation anchor, Session session)
    {
        // log(1 + exp(x)) is a softplus, NG1007's case whether it reports it (an exponent that can overflow) or not (one a
        // clamp keeps below exp's overflow point): the rewrite it needs is softplus, never log1p(exp(x)).
        if (anchor is IInvocationOperation invocation && ExpLogPatterns.IsLogOfOnePlus(new TorchCall(invocation), session, out var addend)
            && !ExpLogPatterns.IsLogOfOnePlusExp(new TorchCall(invocation), session, out _))
            yield return new Log1pExpm1Match(anchor, new TorchCall(invocation), addend, isLog: true);
        else if (anchor is IBinaryOperation subtraction && ExpLogPatterns.IsExpMinusOne(subtraction, session, out var exp) && exp.Input is { } input)
            yield return new Log1pExpm1Match(anchor, exp, input, isLog: false);
    }

    internal override object?[] MessageArguments(Log1pExpm1Match match, Session session) =>
        match.IsLog ? new object?[] { "log(1 + x)", "log1p(x)" } : new object?[] { "exp(x) - 1", "expm1(x)" };
}

/// <summary>NG1008's finding: <c>log(1 + x)</c> or <c>exp(x) - 1</c>, the call whose form the rewrite follows, and x.</summary>
public sealed class Log1pExpm1Match : Match
{
    internal Log1pExpm1Match(IOperation anchor, TorchCall like, IOperation operand, bool isLog)
        : base(anchor)
    {
        Like = like;
        Operand = operand;
        IsLog = isLog;
    }

    /// <summary>The call the rewrite is written like: the log, or the exp.</summary>
    internal TorchCall Like { get; }
    internal IOperation Operand { get; }
    internal bool IsLog { get; }
    internal string Replacement => IsLog ? "log1p" : "expm1";
}

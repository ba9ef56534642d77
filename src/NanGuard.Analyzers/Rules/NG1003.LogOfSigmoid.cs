namespace NanGuard.Analyzers.Rules;

/// <summary>NG1003: <c>torch.log(torch.sigmoid(x))</c> and <c>torch.log(1 - torch.sigmoid(x))</c>, in every spelling.</summary>
public sealed class LogOfSigmoidAnalyzer : Rule<LogOfSigmoidMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.LogOfSigmoid;

    internal override ImmutableArray<string> Outranks { get; } =
        ImmutableArray.Create(DiagnosticIds.XLogY, DiagnosticIds.LogOfZeroable);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("log");

    internal override IEnumerable<LogOfSigmoidMatch> Find(IOperation anchor, Session session)
    {
        var log = new TorchCall((IInvocationOperation)anchor);
        if (ExpLogPatterns.IsLogOfSigmoid(log, session, out var sigmoid, out var complement))
            yield return new LogOfSigmoidMatch(log, sigmoid, complement, session);
    }

    internal override object?[] MessageArguments(LogOfSigmoidMatch match, Session session) => new object?[]
    {
        match.Complement ? "1 - sigmoid(x)" : "sigmoid(x)",
        (match.Sigmoid.IsInstanceForm, match.Complement) switch
        {
            (true, false) => "x.log_sigmoid()",
            (true, true) => "(-x).log_sigmoid()",
            (false, false) => "F.logsigmoid(x)",
            (false, true) => "F.logsigmoid(-x)",
        },
    };
}

/// <summary>NG1003's finding: the log, its sigmoid, and whether it is the log of <c>1 - sigmoid(x)</c>.</summary>
public sealed class LogOfSigmoidMatch : Match
{
    internal LogOfSigmoidMatch(TorchCall log, TorchCall sigmoid, bool complement, Session session)
        : base(log.Invocation)
    {
        Sigmoid = sigmoid;
        Complement = complement;
        // The rewrite the message names: x.log_sigmoid() in the instance form, F.logsigmoid otherwise, where the
        // TorchSharp being compiled against has it (F.logsigmoid came in 0.100).
        var op = sigmoid.IsInstanceForm ? (session.Tensor, "log_sigmoid") : (session.Functional, "logsigmoid");
        NoFixReason = sigmoid.Input is not { } logits || !Relocation.CanWriteAt(logits, log.Invocation.Syntax, session)
            ? "the sigmoid's input cannot be written at the log"
            : !session.Declares(op.Item1, op.Item2) ? "this TorchSharp has no " + op.Item2
            : null;
    }

    internal TorchCall Sigmoid { get; }
    internal bool Complement { get; }
    internal override string? NoFixReason { get; }
}

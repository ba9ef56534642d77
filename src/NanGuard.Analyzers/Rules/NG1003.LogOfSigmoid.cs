using NanGuard.Analyzers.Numerics;
namespace NanGuard.Analyzers.Rules;

/// <summary>NG1003: <c>torch.log(torch.sigmoid(x))</c> and <c>torch.log(1 - torch.sigmoid(x))</c>, in every spelling.</summary>
public sealed class LogOfSigmoidAnalyzer : Rule<LogOfSigmoidMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.LogOfSigmoid;

    internal override ImmutableArray<string> Outranks { get; } =
        ImmutableArray.Create(DiagnosticIds.XLogY, DiagnosticIds.LogOfZeroable);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations(Ops.Logarithms);

    internal override IEnumerable<LogOfSigmoidMatch> Find(IOperation anchor, Session session)
    {
        var log = new TorchCall((IInvocationOperation)anchor);
        if (!Ops.IsLogarithm(log.Method, session) || log.Input is not { } input)
            yield break;
        var facts = session.Facts.Of(input);
        // A parameter of which nothing is known (a public method's, a module's forward's): the sigmoid a call in the
        // compilation passes.
        if (!facts.IsKnown && Passed.Tensor(input, IsSigmoid, session) is { } passed)
            facts = passed;
        if (!IsSigmoid(facts))
            yield break;
        var complement = facts.Kind == ValueKind.Complement;
        yield return log.Method.Name == "log" && LocalSigmoid(facts, input, complement, session) is { } sigmoid
            ? new LogOfSigmoidMatch(log, sigmoid, complement, session)
            : new LogOfSigmoidMatch(log, complement, facts);
    }

    private static bool IsSigmoid(Facts facts) =>
        (facts.IsProbabilityFrom("sigmoid") || facts.Kind == ValueKind.Complement && facts.ProducerName == "sigmoid") && facts.Exact && facts.CanBeZero;

    // The sigmoid call itself where the log reads it (or 1 minus it) directly, through locals, in the same member.
    private static TorchCall? LocalSigmoid(Facts facts, IOperation input, bool complement, Session session)
    {
        if (!facts.Via.IsEmpty || facts.Producer is not IInvocationOperation { TargetMethod.Name: "sigmoid" } producer)
            return null;
        var read = ValueFlow.Unwrap(input, session);
        if (complement)
            read = read is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference ? ValueFlow.Unwrap(difference.RightOperand, session) : read;
        return read == producer ? new TorchCall(producer) : null;
    }

    internal override IEnumerable<Location> AdditionalLocations(LogOfSigmoidMatch match) =>
        match.Facts is { } remote ? Explain.Locations(remote) : Enumerable.Empty<Location>();

    internal override object?[] MessageArguments(LogOfSigmoidMatch match, Session session) => new object?[]
    {
        match.Complement ? "1 - sigmoid(x)" : "sigmoid(x)",
        match.Facts is { } remote ? "logsigmoid of the sigmoid's input" + Explain.Via(remote)
        : (match.Sigmoid.IsInstanceForm, match.Complement) switch
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

    /// <summary>A sigmoid computed elsewhere (another member, a module): logsigmoid needs its input there.</summary>
    internal LogOfSigmoidMatch(TorchCall log, bool complement, Facts facts)
        : base(log.Invocation)
    {
        Complement = complement;
        Facts = facts;
        NoFixReason = Explain.NoRewriteAtTheLog(log.Method, facts, "sigmoid", "logsigmoid", "input");
    }

    /// <summary>For a sigmoid computed elsewhere: what the engine knows of it, with the members it came through.</summary>
    internal Facts? Facts { get; }

    /// <summary>Where the probability is computed elsewhere, no rewrite can be written at the log: NG1009's xlogy can.</summary>
    internal override ImmutableArray<string> YieldsTo =>
        Facts is null ? ImmutableArray<string>.Empty : ImmutableArray.Create(DiagnosticIds.XLogY);

    internal TorchCall Sigmoid { get; }
    internal bool Complement { get; }
    internal override string? NoFixReason { get; }
}

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1001: <c>torch.log(F.softmax(x, d))</c> and every other spelling of the log of a softmax.</summary>
public sealed class LogOfSoftmaxAnalyzer : Rule<LogOfSoftmaxMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.LogOfSoftmax;

    internal override ImmutableArray<string> Outranks { get; } =
        ImmutableArray.Create(DiagnosticIds.XLogY, DiagnosticIds.LogOfZeroable);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("log");

    internal override IEnumerable<LogOfSoftmaxMatch> Find(IOperation anchor, Session session)
    {
        var log = new TorchCall((IInvocationOperation)anchor);
        if (TorchPatterns.IsLogOfSoftmax(log, session, out var softmax))
            yield return new LogOfSoftmaxMatch(log, softmax, session);
    }

    internal override object?[] MessageArguments(LogOfSoftmaxMatch match, Session session)
    {
        var dims = match.HasDtype ? "dim, dtype" : "dim";
        return new object?[]
        {
            match.Form switch
            {
                SoftmaxForm.Special => "torch.special.log_softmax(x, " + dims + ")",
                SoftmaxForm.Instance => "x.log_softmax(" + dims + ")",
                _ => "F.log_softmax(x, dim)",
            },
        };
    }
}

/// <summary>How the log_softmax is written: as the softmax was, and through torch.special where the softmax was or
/// where it has a dtype (F.log_softmax has none).</summary>
internal enum SoftmaxForm
{
    Functional,
    Instance,
    Special,
}

/// <summary>NG1001's finding: the log, its softmax, and the form the rewrite takes.</summary>
public sealed class LogOfSoftmaxMatch : Match
{
    internal LogOfSoftmaxMatch(TorchCall log, TorchCall softmax, Session session)
        : base(log.Invocation)
    {
        Softmax = softmax;
        HasDtype = softmax.Has("dtype");
        Form = softmax.IsInstanceForm ? SoftmaxForm.Instance
            : HasDtype || Session.Is(softmax.Method.ContainingType, session.Special) ? SoftmaxForm.Special
            : SoftmaxForm.Functional;
        Logits = softmax.Input;
        Dim = softmax.Argument("dim");
        NoFixReason = Logits is null || Dim is null ? "the softmax's logits or dim are not written out"
            : !Relocation.CanWriteAt(Logits, log.Invocation.Syntax, session) ? "the logits cannot be written at the log"
            : null;
    }

    internal TorchCall Softmax { get; }
    internal SoftmaxForm Form { get; }
    internal bool HasDtype { get; }
    internal IOperation? Logits { get; }
    internal IArgumentOperation? Dim { get; }
    internal override string? NoFixReason { get; }
}

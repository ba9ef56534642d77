using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1019: <c>softmax</c> or <c>log_softmax</c> of a tensor that <c>masked_fill(mask, -inf)</c> filled, or of a sum with such a fill or with the log of a 0/1 mask (through locals,
/// scaling by a constant, members: the engine's facts), where a row the mask covers entirely is -inf throughout and
/// its softmax NaN. The fix fills with the dtype's lowest finite value.
/// </summary>
public sealed class FullyMaskedSoftmaxAnalyzer : Rule<FullyMaskedSoftmaxMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.FullyMaskedSoftmax;

    private protected override Listens Listen(Listens listens) => listens.Invocations("softmax", "log_softmax");

    internal override bool IsHazard => true;

    internal override IEnumerable<FullyMaskedSoftmaxMatch> Find(IOperation anchor, Session session)
    {
        var call = new TorchCall((IInvocationOperation)anchor);
        if (!(session.IsOp(call.Method, "softmax") || session.IsOp(call.Method, "log_softmax")) || call.Input is not { } input)
            yield break;
        var facts = session.Facts.Of(input);
        if (RowFacts.IsNegativeInfinityFill(facts) && !LeavesEveryRow(facts, call, input, session)
            && facts.Producer is IInvocationOperation fill)
            yield return new FullyMaskedSoftmaxMatch(call, new TorchCall(fill), new TorchCall(fill).Argument("value"), facts, anchor.Syntax.SyntaxTree);
    }

    // A softmax over the last dim of a fill whose mask has a 0 in every row (a causal mask: tril of ones == 0) never sees
    // a row of -inf only.
    private static bool LeavesEveryRow(Facts facts, TorchCall softmax, IOperation input, Session session) =>
        (facts.Rows & RowHolds.Unfilled) != RowHolds.None && softmax.IntegerArgument("dim") is { } dim
        && (dim == -1 || Shapes.Of(input, session).Rank is { } rank && dim == rank - 1);

    internal override IEnumerable<Location> AdditionalLocations(FullyMaskedSoftmaxMatch match) =>
        new[] { match.Fill.Invocation.Syntax.GetLocation() }.Concat(Explain.Locations(match.Facts));

    internal override object?[] MessageArguments(FullyMaskedSoftmaxMatch match, Session session) =>
        new object?[]
        {
            match.Call.Method.Name,
            match.Value is null ? "the log of a mask" : "masked_fill",
            Explain.Via(match.Facts),
            match.Value is null
                ? "fill the masked places with masked_fill(mask == 0, torch.finfo(dtype).min) instead of adding the mask's log"
                : "fill with " + (match.Replacement ?? "the dtype's lowest finite value"),
        };
}

/// <summary>NG1019's finding: the softmax, the masked_fill that writes -inf, and what the fix fills with instead.</summary>
public sealed class FullyMaskedSoftmaxMatch : Match
{
    internal FullyMaskedSoftmaxMatch(TorchCall call, TorchCall fill, IArgumentOperation? value, Facts facts, SyntaxTree tree)
        : base(call.Invocation)
    {
        Call = call;
        Fill = fill;
        Value = value;
        Facts = facts;
        // The lowest finite value of the filled tensor's own dtype where its receiver can be read again (a local, a
        // parameter, a field or property); float.MinValue for a float32 or float64 tensor otherwise (a float16 or
        // bfloat16 tensor would round float.MinValue to -inf).
        var receiver = fill.Invocation.Instance is { } instance ? ValueFlow.SkipConversions(instance) : null;
        Receiver = receiver is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
            or IPropertyReferenceOperation { Arguments.IsEmpty: true } ? receiver : null;
        Replacement = Receiver is not null ? "torch.finfo(" + Receiver.Syntax + ".dtype).min"
            : facts.Dtype is "float16" or "bfloat16" ? null
            : "float.MinValue";
        NoFixReason = value is null ? "the -inf is the log of a mask, which has no fill value to replace"
            : fill.Invocation.Syntax.SyntaxTree != tree ? "the -inf is filled in another file"
            : Replacement is null ? "the " + facts.Dtype + " tensor filled is an expression the fix cannot repeat; fill with torch.finfo(dtype).min"
            : null;
    }

    internal TorchCall Call { get; }

    /// <summary>The masked_fill that writes -inf.</summary>
    internal TorchCall Fill { get; }

    /// <summary>The -inf argument the fix replaces; null where the -inf is the log of a mask.</summary>
    internal IArgumentOperation? Value { get; }

    /// <summary>The filled tensor, where the fix may read its dtype again; null otherwise.</summary>
    internal IOperation? Receiver { get; }

    /// <summary>What the fix fills with, as the message writes it; null where no fill can be written.</summary>
    internal string? Replacement { get; }

    internal Facts Facts { get; }

    internal override string? NoFixReason { get; }
}

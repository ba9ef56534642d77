using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1021: a softmax per segment written by hand, <c>exp(x) / sums[index]</c> where <c>sums</c> is the scatter_add or
/// index_add of the same <c>exp(x)</c> (graph and set code), with the logits not shifted by anything first: an exp
/// above about 88.7 is inf in float32 and the division inf / inf. Reported at the exp where it is written in the
/// division's member (the hazard is there, and so is the fix: the shift goes into the exp's input), else at the
/// division. No fix: the shift needs each segment's maximum.
/// </summary>
public sealed class HandWrittenSegmentSoftmaxAnalyzer : Rule<HandWrittenSegmentSoftmaxMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.HandWrittenSegmentSoftmax;

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Divide).Invocations("div", "divide");

    internal override bool IsHazard => true;

    internal override IEnumerable<HandWrittenSegmentSoftmaxMatch> Find(IOperation anchor, Session session)
    {
        IOperation? numerator, denominator;
        if (anchor is IBinaryOperation quotient)
            (numerator, denominator) = (quotient.LeftOperand, quotient.RightOperand);
        else
        {
            var call = new TorchCall((IInvocationOperation)anchor);
            if (!session.IsOp(call.Method, call.Method.Name))
                yield break;
            numerator = call.Input;
            denominator = call.Invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == (call.IsInstanceForm ? 0 : 1))?.Value;
        }
        if (numerator is null || denominator is null || !NumericPatterns.IsTensor(denominator, session))
            yield break;
        var sums = session.Facts.Of(denominator);
        if (sums.ProducerName != "segment_sum" || sums.Producer is not IInvocationOperation scatter)
            yield break;
        var exp = session.Facts.Of(numerator);
        var scatterCall = new TorchCall(scatter);
        var source = scatterCall.Argument("source") ?? scatterCall.Argument("src");
        if (exp.ProducerName != "exp" || !double.IsPositiveInfinity(exp.Hi) || exp.Producer is not IInvocationOperation expCall
            || source is null || session.Facts.Of(source) is not { ProducerName: "exp", Producer: { } summed }
            || summed.Syntax != expCall.Syntax || IsShifted(new TorchCall(expCall), session))
            yield break;
        yield return new HandWrittenSegmentSoftmaxMatch(anchor, new TorchCall(expCall), scatterCall, exp);
    }

    // exp(x - m): the user subtracted something (a segment maximum, we cannot tell which): not reported.
    private static bool IsShifted(TorchCall exp, Session session) =>
        exp.Input is { } input
        && (TorchPatterns.IsTensorOperator(input, session, BinaryOperatorKind.Subtract, out _)
            || TorchPatterns.IsOp(input, session, "sub", out _) || TorchPatterns.IsOp(input, session, "subtract", out _));

    // The place not reported (the division where the exp is, the exp where the division is), then the scatter.
    internal override IEnumerable<Location> AdditionalLocations(HandWrittenSegmentSoftmaxMatch match) =>
        new[] { match.Reported == match.Anchor ? match.Exp.Invocation.Syntax.GetLocation() : match.Anchor.Syntax.GetLocation(), match.Scatter.Invocation.Syntax.GetLocation() }
            .Concat(Explain.Locations(match.Facts));

    internal override object?[] MessageArguments(HandWrittenSegmentSoftmaxMatch match, Session session) =>
        new object?[] { match.Scatter.Method.Name, Ops.Format(Ops.ExpOverflow(match.Facts.Dtype)), match.Facts.Dtype ?? "float32" };
}

/// <summary>
/// NG1021's finding: the division, the unshifted exp, and the scatter that sums it per segment. Reported at the exp when
/// it is written in the same member as the division (the logits to shift are there), otherwise at the division.
/// </summary>
public sealed class HandWrittenSegmentSoftmaxMatch : Match
{
    internal HandWrittenSegmentSoftmaxMatch(IOperation division, TorchCall exp, TorchCall scatter, Facts facts)
        : base(division)
    {
        Exp = exp;
        Scatter = scatter;
        Facts = facts;
        var member = MemberBody.Around(division.Syntax);
        Reported = member is not null && MemberBody.Around(exp.Invocation.Syntax) == member ? exp.Invocation : division;
    }

    internal override IOperation Reported { get; }

    internal TorchCall Exp { get; }
    internal TorchCall Scatter { get; }
    internal Facts Facts { get; }

    internal override string? NoFixReason => "the shift needs each segment's maximum, computed before the exp";
}

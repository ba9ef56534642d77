namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG3001: the static <c>torch.clamp_min_(t, e);</c> / <c>torch.clamp_max_(t, e);</c> as a statement: despite the
/// underscore TorchSharp's static form is not in place, so the clamp is lost.
/// </summary>
public sealed class StaticClampNotInPlaceAnalyzer : Rule<StaticClampMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.StaticClampNotInPlace;

    private protected override Listens Listen(Listens listens) => listens.Invocations("clamp_min_", "clamp_max_");

    internal override IEnumerable<StaticClampMatch> Find(IOperation anchor, Session session)
    {
        var invocation = (IInvocationOperation)anchor;
        var method = invocation.TargetMethod;
        // `torch.clamp_min_(t, e);` and `_ = torch.clamp_min_(t, e);`: the result is discarded.
        var discard = invocation.Parent as ISimpleAssignmentOperation;
        if (method.IsStatic && Session.Is(method.ContainingType, session.Torch)
            && (invocation.Parent is IExpressionStatementOperation
                || discard is { Target: IDiscardOperation, Parent: IExpressionStatementOperation }))
            yield return new StaticClampMatch(new TorchCall(invocation), discard);
    }

    internal override object?[] MessageArguments(StaticClampMatch match, Session session)
    {
        var name = match.Clamp.Method.Name;
        var receiver = match.Clamp.Input?.Syntax is { } syntax && syntax.Span.Length <= 30 ? syntax.ToString() : "t";
        return new object?[] { name, receiver + "." + name + "(...)" };
    }
}

/// <summary>NG3001's finding: the clamp, the discard it is assigned to (if any), and the tensor and bound it clamps with.</summary>
public sealed class StaticClampMatch : Match
{
    internal StaticClampMatch(TorchCall clamp, ISimpleAssignmentOperation? discard)
        : base(clamp.Invocation)
    {
        Clamp = clamp;
        Discard = discard;
        BoundName = clamp.Method.Name == "clamp_min_" ? "min" : "max";
        Bound = clamp.Argument(BoundName);
        // Clamping a temporary in place changes nothing the code reads again: no rewrite makes that statement useful.
        NoFixReason = clamp.Input is not (ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                or IPropertyReferenceOperation or IArrayElementReferenceOperation)
            ? "the clamped tensor is a temporary that nothing reads again"
            : Bound is null ? "the bound is not written out"
            : null;
    }

    internal TorchCall Clamp { get; }
    internal ISimpleAssignmentOperation? Discard { get; }
    internal string BoundName { get; }
    internal IArgumentOperation? Bound { get; }
    internal override string? NoFixReason { get; }
}

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG3002: a tensor compared with a NaN constant: <c>t == double.NaN</c>, <c>t != float.NaN</c>, <c>t.eq(double.NaN)</c>,
/// <c>t.ne(...)</c>. NaN equals nothing, so the result is all false (or all true for !=).
/// </summary>
public sealed class CompareWithNaNAnalyzer : Rule<CompareWithNaNMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.CompareWithNaN;

    private protected override Listens Listen(Listens listens) =>
        listens.TensorOperators(BinaryOperatorKind.Equals, BinaryOperatorKind.NotEquals).Invocations("eq", "ne");

    internal override IEnumerable<CompareWithNaNMatch> Find(IOperation anchor, Session session)
    {
        switch (anchor)
        {
            case IBinaryOperation binary:
                var negated = binary.OperatorKind == BinaryOperatorKind.NotEquals;
                if (IsNaN(binary.RightOperand, session) && session.IsTensor(ValueFlow.SkipConversions(binary.LeftOperand).Type))
                    yield return new CompareWithNaNMatch(binary, ValueFlow.SkipConversions(binary.LeftOperand), negated);
                else if (IsNaN(binary.LeftOperand, session) && session.IsTensor(ValueFlow.SkipConversions(binary.RightOperand).Type))
                    yield return new CompareWithNaNMatch(binary, ValueFlow.SkipConversions(binary.RightOperand), negated);
                break;
            case IInvocationOperation invocation
                when session.IsOp(invocation.TargetMethod, "eq") || session.IsOp(invocation.TargetMethod, "ne"):
                if (new TorchCall(invocation).Input is not { } input || !session.IsTensor(input.Type))
                    break;
                if (invocation.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && ValueFlow.SkipConversions(a.Value) != input && IsNaN(a.Value, session)))
                    yield return new CompareWithNaNMatch(invocation, input, invocation.TargetMethod.Name == "ne");
                break;
        }
    }

    internal override object?[] MessageArguments(CompareWithNaNMatch match, Session session) =>
        match.Negated ? new object?[] { "true", "isnan() and negate it" } : new object?[] { "false", "isnan()" };

    private static bool IsNaN(IOperation operand, Session session) =>
        ValueFlow.Peek(operand) is { ConstantValue: { HasValue: true, Value: double.NaN or float.NaN } } candidate
        && ValueFlow.Confirms(operand, candidate, session);
}

/// <summary>NG3002's finding: the comparison, its tensor operand, and whether it is != / ne.</summary>
public sealed class CompareWithNaNMatch : Match
{
    internal CompareWithNaNMatch(IOperation comparison, IOperation tensor, bool negated)
        : base(comparison)
    {
        Tensor = tensor;
        Negated = negated;
    }

    internal IOperation Tensor { get; }

    /// <summary>True for != and ne: the rewrite is the negation of isnan(), <c>t.isnan().logical_not()</c>.</summary>
    internal bool Negated { get; }
}

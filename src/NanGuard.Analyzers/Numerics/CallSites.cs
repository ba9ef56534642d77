namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// What one call of a method the engine follows gives, where the method's summary (the join of all its returns) knows
/// nothing: the returns this call reaches, a <c>flag ? sigmoid(v) : v</c> on a bool parameter the call passes a
/// constant for taking that branch; and the dtype of the one tensor parameter the value is computed from, where the
/// call passes a tensor whose dtype the code shows (a float16 tensor in, a float16 result out). Only the returned
/// expressions of the method are looked at (kept for the session), and only the ops that keep a dtype are followed.
/// </summary>
internal static class CallSites
{
    private const int MaxDepth = 24;

    // The ops that compute a tensor in the dtype of their input: a value made by others (a cast, a comparison, an
    // argmax, a call of another method) is not followed.
    private static readonly ImmutableHashSet<string> KeepDtype = ImmutableHashSet.Create(System.StringComparer.Ordinal,
        "sigmoid", "softmax", "log_softmax", "exp", "log", "tanh", "relu", "abs", "square", "sqrt", "neg", "sum", "mean", "add", "sub",
        "mul", "div", "index_select", "select", "narrow", "gather", "reshape", "view", "unsqueeze", "squeeze", "transpose", "t", "permute",
        "flatten", "clone", "detach", "contiguous", "matmul", "mm", "bmm");

    private static readonly ImmutableHashSet<string> Arithmetic = ImmutableHashSet.Create(System.StringComparer.Ordinal,
        "add", "sub", "mul", "div", "matmul", "mm", "bmm");

    /// <summary>
    /// The facts of <paramref name="call"/>'s value as the call's own arguments make it, given the method's summary
    /// <paramref name="summary"/>; null where they add nothing.
    /// </summary>
    public static Facts? Result(IInvocationOperation call, IMethodSymbol method, Facts summary, FactsEngine engine, Walk walk, Session session)
    {
        var returned = OptimizerFlow.ReturnedValues(method.OriginalDefinition, session);
        if (returned.IsEmpty)
            return null;
        // A branch is taken only where the summary knows nothing: a known summary holds every branch already.
        var reached = summary.IsKnown ? returned.ToList() : returned.Select(v => Taken(v, call, method, session)).ToList();
        var chosen = !reached.SequenceEqual(returned);
        var facts = summary;
        if (chosen)
        {
            if (walk.Into(method) is not { } inner)
                return null;
            facts = Facts.JoinAll(reached.Select(v => engine.Of(v, inner)));
        }
        // Only the argument passed for the method's one dtype source is looked at.
        if (facts.Dtype is null && DtypeSource(method, session) is { } source
            && call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == source.Ordinal) is { } argument
            && engine.Of(argument, walk).Dtype is { } dtype)
            facts = facts.WithDtype(dtype);
        if (!chosen && facts.Dtype is null || !facts.IsKnown && facts.Dtype is null)
            return null;
        // A known summary has come through the method already.
        return !summary.IsKnown && method.Locations.FirstOrDefault(l => l.IsInSource) is { } location
            ? facts.Through(new Evidence(location, "returned by " + method.ContainingType?.Name + "." + method.Name + " for this call's arguments"))
            : facts;
    }

    // The one tensor parameter every return of the method is computed from by ops that keep its dtype, or null; kept
    // for the session.
    private static IParameterSymbol? DtypeSource(IMethodSymbol method, Session session) =>
        session.DtypeSources.GetOrAdd(method.OriginalDefinition, m =>
        {
            var sources = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            return OptimizerFlow.ReturnedValues(m, session).All(v => Sources(v, m, sources, session, 0)) && sources.Count == 1
                ? sources.First()
                : null;
        });

    // The branch a call takes of flag ? a : b, for a bool parameter it passes a constant for (or leaves at its default).
    private static IOperation Taken(IOperation value, IInvocationOperation call, IMethodSymbol method, Session session)
    {
        for (var hops = 0; hops < 8; hops++)
        {
            if (ValueFlow.SkipConversions(value) is not IConditionalOperation { WhenFalse: { } whenFalse } conditional
                || ValueFlow.SkipConversions(conditional.Condition) is not IParameterReferenceOperation flag
                || !SymbolEqualityComparer.Default.Equals(flag.Parameter.ContainingSymbol.OriginalDefinition, method.OriginalDefinition)
                || flag.SemanticModel is not { } model || ValueFlow.IsReassigned(flag.Parameter, model, session)
                || call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == flag.Parameter.Ordinal)?.Value.ConstantValue is not { HasValue: true, Value: bool taken })
                return value;
            value = taken ? conditional.WhenTrue : whenFalse;
        }
        return value;
    }

    // The tensor parameters of the method a value is computed from by ops that keep the dtype; false where it is
    // computed from anything else.
    private static bool Sources(IOperation operation, IMethodSymbol method, HashSet<IParameterSymbol> sources, Session session, int depth)
    {
        if (depth > MaxDepth)
            return false;
        if (operation.ConstantValue.HasValue)
            return true;
        switch (operation)
        {
            case IArgumentOperation argument:
                return Sources(argument.Value, method, sources, session, depth + 1);
            case IConversionOperation conversion:
                return Sources(conversion.Operand, method, sources, session, depth + 1);
            case IParenthesizedOperation parenthesized:
                return Sources(parenthesized.Operand, method, sources, session, depth + 1);
            case IParameterReferenceOperation parameter when session.IsTensor(parameter.Type)
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol.OriginalDefinition, method.OriginalDefinition)
                && parameter.SemanticModel is { } model && !ValueFlow.IsReassigned(parameter.Parameter, model, session):
                sources.Add(parameter.Parameter);
                return true;
            case ILocalReferenceOperation local when local.SemanticModel is { } model:
                return LocalWrites.Reaching(local, model, session) is { Count: > 0 } writes
                    && writes.All(w => w is not null && Sources(w, method, sources, session, depth + 1));
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return Sources(conditional.WhenTrue, method, sources, session, depth + 1) && Sources(whenFalse, method, sources, session, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide } binary
                when session.IsOperator(binary.OperatorMethod):
                return Sources(binary.LeftOperand, method, sources, session, depth + 1) && Sources(binary.RightOperand, method, sources, session, depth + 1);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation:
                return Sources(negation.Operand, method, sources, session, depth + 1);
            // t[i]: a selection of t, whatever the index.
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } when session.IsTensor(indexed.Type):
                return Sources(indexed, method, sources, session, depth + 1);
            case IInvocationOperation invocation when KeepDtype.Contains(invocation.TargetMethod.Name)
                && session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name) && new TorchCall(invocation) is { Input: { } input } call:
                if (!Sources(input, method, sources, session, depth + 1))
                    return false;
                // The other operand of an arithmetic method; the index of index_select or gather is not a source.
                return !Arithmetic.Contains(call.Method.Name)
                    || call.Invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == (call.IsInstanceForm ? 0 : 1)) is not { } other
                    || Sources(other.Value, method, sources, session, depth + 1);
            default:
                return false;
        }
    }
}

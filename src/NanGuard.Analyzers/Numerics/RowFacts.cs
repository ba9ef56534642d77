namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// What every row along the last dim holds (<see cref="RowHolds"/>): made by a triangular mask of ones, mapped by a
/// comparison of a 0/1 tensor with a constant, turned by masked_fill(mask, -inf) into "every row keeps an entry the fill
/// does not cover", and kept only by the ops that leave each row's entries where they were.
/// </summary>
internal static class RowFacts
{
    private const RowHolds Values = RowHolds.One | RowHolds.Zero;

    /// <summary>
    /// tril(ones, d) for d &gt;= 0 keeps column 0 of every row (1); triu(ones, d) for d &gt;= 1 clears it (0). Of any other
    /// input or diagonal, nothing is known.
    /// </summary>
    public static Facts Triangular(OpInput op)
    {
        var diagonal = op.Call.Argument("diagonal") is null ? 0 : op.Number("diagonal");
        if (op.Input.Constant != 1 || diagonal is not { } d)
            return Facts.Unknown;
        var lower = op.Call.Method.Name.StartsWith("tril", System.StringComparison.Ordinal);
        var rows = lower && d >= 0 ? RowHolds.One | RowHolds.AtFirst
            : !lower && d >= 1 ? RowHolds.Zero | RowHolds.AtFirst
            : RowHolds.None;
        return Facts.Of(ValueKind.Mask, 0, 1, "a triangular mask", op.Call.Invocation, op.Call.Method.Name.TrimEnd('_'))
            .WithDtype(op.Input.Dtype).WithRows(rows);
    }

    /// <summary>A comparison op (<c>m.eq(0)</c>, <c>m.logical_not()</c>) of a 0/1 tensor whose rows are known.</summary>
    public static RowHolds Compared(OpInput op)
    {
        var call = op.Call;
        if (call.Input is null)
            return RowHolds.None;
        var input = op.Input;
        if (call.Method.Name == "logical_not")
            return Mapped(input, zeroTo: true, oneTo: false);
        var other = call.Invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == (call.IsInstanceForm ? 0 : 1));
        if (call.Method.Name == "logical_and" && other is not null
            && (IsRowWithoutFalse(other.Value, call.Input, op.Session) || IsRowWithoutFalse(call.Input, other.Value, op.Session)))
            return RowHolds.Zero;
        return other is not null && NumericPatterns.Constant(other) is { } c && Kind(call.Method.Name) is { } kind
            ? Compared(input, kind, c)
            : RowHolds.None;
    }

    /// <summary>
    /// <c>a.logical_and(flag)</c> with <paramref name="flag"/> <c>a.logical_not().any(-1, keepdim: true)</c> (through
    /// <c>unsqueeze(-1)</c> then <c>squeeze(-1)</c>, which cancel): a row of <c>a</c> with a false keeps it in the and; a row
    /// all true has <c>any(!a)</c> false, and the whole row of the and is false. Either way every row has a 0. Without
    /// keepdim the flag would broadcast along the wrong dim; over another dim it says nothing of a row.
    /// </summary>
    private static bool IsRowWithoutFalse(IOperation flag, IOperation of, Session session)
    {
        if (Uncancelled(flag, session) is not IInvocationOperation invocation || !IsOp(invocation, "any", session))
            return false;
        var any = new TorchCall(invocation);
        var dim = invocation.Arguments.FirstOrDefault(a => a.ArgumentKind != ArgumentKind.DefaultValue
            && a.Parameter?.Type.SpecialType is SpecialType.System_Int64 or SpecialType.System_Int32);
        var keepdim = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_Boolean);
        return dim is not null && NumericPatterns.Constant(dim) == -1
            && keepdim?.Value.ConstantValue is { HasValue: true, Value: true }
            && any.Input is { } anyInput && ValueFlow.Unwrap(anyInput, session) is IInvocationOperation negation && IsOp(negation, "logical_not", session)
            && new TorchCall(negation).Input is { } negated && ValueFlow.SameValue(negated, of, session);
    }

    // The value through locals and any x.unsqueeze(-1).squeeze(-1) (the squeeze removes the size-1 dim just added).
    private static IOperation Uncancelled(IOperation operation, Session session)
    {
        var value = ValueFlow.Unwrap(operation, session);
        for (var hops = 0; hops < 8; hops++)
        {
            if (value is not IInvocationOperation squeeze || !IsOp(squeeze, "squeeze", session) || !IsLastDim(squeeze)
                || new TorchCall(squeeze).Input is not { } squeezed
                || ValueFlow.Unwrap(squeezed, session) is not IInvocationOperation unsqueeze || !IsOp(unsqueeze, "unsqueeze", session)
                || !IsLastDim(unsqueeze) || new TorchCall(unsqueeze).Input is not { } unsqueezed)
                return value;
            value = ValueFlow.Unwrap(unsqueezed, session);
        }
        return value;
    }

    private static bool IsOp(IInvocationOperation invocation, string name, Session session) =>
        invocation.TargetMethod.Name == name && session.IsOp(invocation.TargetMethod, name);

    private static bool IsLastDim(IInvocationOperation invocation) => NumericPatterns.Constant(new TorchCall(invocation).Argument("dim")) == -1;

    /// <summary><c>m == c</c> (and the other comparisons) of a 0/1 tensor <paramref name="value"/> with a constant.</summary>
    public static RowHolds Compared(Facts value, BinaryOperatorKind kind, double c) =>
        Mapped(value, Holds(kind, 0, c), Holds(kind, 1, c));

    /// <summary>The comparison with the constant on the left (<c>0 == m</c>) as one with it on the right.</summary>
    public static BinaryOperatorKind Mirrored(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        _ => kind,
    };

    /// <summary>
    /// masked_fill(mask, -inf): where the mask has a 0 in every row, every row keeps an entry the fill does not cover;
    /// not where the input is itself filled with -inf (another mask may cover what this one leaves).
    /// </summary>
    public static RowHolds Filled(OpInput op, Facts input)
    {
        if (op.Call.Argument("mask") is not { } mask || IsNegativeInfinityFill(input))
            return RowHolds.None;
        var rows = op.Of(mask).Rows;
        return (rows & RowHolds.Zero) != RowHolds.None ? RowHolds.Unfilled | (rows & RowHolds.AtFirst) : RowHolds.None;
    }

    /// <summary>The producer name of the log of a 0/1 mask: -inf where the mask is 0, a fill as masked_fill's.</summary>
    public const string LogOfMask = "log of a mask";

    /// <summary>True for a masked_fill with -inf or the log of a mask, or a value computed from one that keeps its -inf.</summary>
    public static bool IsNegativeInfinityFill(Facts value) =>
        value.ProducerName is "masked_fill" or LogOfMask && double.IsNegativeInfinity(value.Lo);

    /// <summary>The log of a 0/1 mask: where the mask has a 1 in every row, every row keeps an entry that is not -inf.</summary>
    public static RowHolds Logged(Facts mask) =>
        (mask.Rows & RowHolds.One) != RowHolds.None ? RowHolds.Unfilled | (mask.Rows & RowHolds.AtFirst) : RowHolds.None;

    /// <summary>What the rows of a -inf fill hold once it is scaled by <paramref name="factor"/> or shifted: the same
    /// entries stay uncovered where the factor is positive.</summary>
    public static Facts Scaled(Facts result, Facts fill, double factor) =>
        IsNegativeInfinityFill(fill) && factor > 0 && !double.IsInfinity(factor) ? result.WithRows(fill.Rows & (RowHolds.Unfilled | RowHolds.AtFirst)) : result;

    /// <summary>A shape or selection op: the rows are kept where the op leaves every row's entries where they were.</summary>
    public static Facts Reshaped(OpInput op)
    {
        var input = op.Input;
        if (input.Rows == RowHolds.None || KeepsRows(op.Call, op.Session))
            return input;
        // The runs of a softmax's rows stay where the row-major order does, whatever sizes a view writes.
        return input.WithRows(KeepsOrder(op.Call.Method.Name) ? input.Rows & RowHolds.Normalised : RowHolds.None);
    }

    // The ops that leave the entries in their row-major order (a view or reshape regroups sizes; a copy keeps them).
    private static bool KeepsOrder(string name) => name is "view" or "reshape" or "flatten" or "unflatten" or "squeeze" or "squeeze_"
        or "unsqueeze" or "unsqueeze_" or "detach" or "detach_" or "contiguous" or "clone" or "cpu" or "cuda" or "requires_grad_" or "alias";

    /// <summary>
    /// <c>t[.., .., ..n, ..n]</c>: slices from 0 keep the first entry of every row (what <see cref="RowHolds.AtFirst"/>
    /// speaks of), full slices and an ellipsis keep every row; an integer index, a None or a slice from elsewhere may
    /// take the entry away or make another dim the last.
    /// </summary>
    public static Facts Indexed(Facts facts, IPropertyReferenceOperation read)
    {
        if (facts.Rows == RowHolds.None)
            return facts;
        var atFirst = (facts.Rows & RowHolds.AtFirst) != RowHolds.None;
        foreach (var index in Indices(read))
        {
            var keeps = ValueFlow.SkipConversions(index) switch
            {
                IRangeOperation { LeftOperand: var start, RightOperand: var end } =>
                    (start is null || NumericPatterns.Constant(start) == 0) && (end is null || atFirst),
                IPropertyReferenceOperation { Property: { Name: "Colon" or "Ellipsis", ContainingType.Name: "TensorIndex" } } => true,
                _ => false,
            };
            if (!keeps)
                return facts.WithoutRows();
        }
        return facts;
    }

    private static IEnumerable<IOperation> Indices(IPropertyReferenceOperation read)
    {
        foreach (var argument in read.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.ParamArray
                && ValueFlow.SkipConversions(argument.Value) is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                    yield return element;
            }
            else
            {
                yield return argument.Value;
            }
        }
    }

    private static bool KeepsRows(TorchCall call, Session session) => call.Method.Name switch
    {
        "detach" or "detach_" or "contiguous" or "clone" or "cpu" or "cuda" or "requires_grad_" or "alias"
            or "expand" or "expand_as" or "repeat" or "tile" => true,
        // A new dim that is not the last: counted from the end before it, the first, or one before a known rank.
        "unsqueeze" or "unsqueeze_" => call.IntegerArgument("dim") is { } dim
            && (dim <= -2 || dim == 0 || call.Input is { } input
                && (Shapes.Of(input, session).Rank is { } rank && dim < rank || Shapes.HasMoreDimsThan(input, dim, session))),
        // A dim removed that is not the last (a size-1 last dim removed would make the one before it the last).
        "squeeze" or "squeeze_" => call.IntegerArgument("dim") is { } removed && (removed == 0 || removed <= -2),
        "view" or "reshape" => KeepsLastSize(call, session),
        _ => false,
    };

    // view(1, 1, n, n) of a tensor made with last size n: only size-1 dims added or sizes regrouped before the last.
    private static bool KeepsLastSize(TorchCall view, Session session) =>
        WrittenSizes(view) is { Length: > 0 } sizes && view.Input is { } input && LastSize(input, session, 0) is { } last
        && NumericPatterns.Constant(sizes[sizes.Length - 1]) != -1 && ValueFlow.SameValue(sizes[sizes.Length - 1], last, session);

    private static ImmutableArray<IOperation>? WrittenSizes(TorchCall call) =>
        call.Argument("shape") is { } shape && ValueFlow.SkipConversions(shape.Value) is IArrayCreationOperation { Initializer.ElementValues: var sizes }
            ? sizes
            : null;

    // The last size the code writes for a tensor: of the call that made it (ones(n, n)), through the ops that keep it.
    private static IOperation? LastSize(IOperation operation, Session session, int depth)
    {
        if (depth > 8 || ValueFlow.Unwrap(operation, session) is not IInvocationOperation invocation
            || !session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name))
            return null;
        var call = new TorchCall(invocation);
        switch (call.Method.Name)
        {
            case "ones" or "zeros" or "full" or "empty" or "rand" or "randn":
                var sizes = call.Argument("size") is { } size && ValueFlow.SkipConversions(size.Value) is IArrayCreationOperation { Initializer.ElementValues: var written }
                    ? written
                    : invocation.Arguments.Where(a => a.ArgumentKind == ArgumentKind.Explicit
                        && a.Parameter?.Type.SpecialType is SpecialType.System_Int64 or SpecialType.System_Int32).Select(a => a.Value).ToImmutableArray();
                return sizes.IsEmpty ? null : sizes[sizes.Length - 1];
            case "view" or "reshape":
                return WrittenSizes(call) is { Length: > 0 } viewed ? viewed[viewed.Length - 1] : null;
            case "tril" or "triu" or "tril_" or "triu_" or "to" or "to_type" or "type_as" or "bool" or "float" or "half" or "double"
                or "clone" or "detach" or "contiguous" or "logical_not" or "eq" or "ne":
                return call.Input is { } input ? LastSize(input, session, depth + 1) : null;
            default:
                return null;
        }
    }

    // What each row holds once every 0 becomes zeroTo and every 1 oneTo (a comparison of a 0/1 tensor).
    private static RowHolds Mapped(Facts value, bool zeroTo, bool oneTo)
    {
        if (value.Kind != ValueKind.Mask || (value.Rows & Values) == RowHolds.None)
            return RowHolds.None;
        var rows = RowHolds.None;
        if ((value.Rows & RowHolds.One) != RowHolds.None)
            rows |= oneTo ? RowHolds.One : RowHolds.Zero;
        if ((value.Rows & RowHolds.Zero) != RowHolds.None)
            rows |= zeroTo ? RowHolds.One : RowHolds.Zero;
        return rows | (value.Rows & RowHolds.AtFirst);
    }

    private static BinaryOperatorKind? Kind(string name) => name switch
    {
        "eq" => BinaryOperatorKind.Equals,
        "ne" => BinaryOperatorKind.NotEquals,
        "lt" => BinaryOperatorKind.LessThan,
        "le" => BinaryOperatorKind.LessThanOrEqual,
        "gt" => BinaryOperatorKind.GreaterThan,
        "ge" => BinaryOperatorKind.GreaterThanOrEqual,
        _ => null,
    };

    private static bool Holds(BinaryOperatorKind kind, double value, double c) => kind switch
    {
        BinaryOperatorKind.Equals => value == c,
        BinaryOperatorKind.NotEquals => value != c,
        BinaryOperatorKind.LessThan => value < c,
        BinaryOperatorKind.LessThanOrEqual => value <= c,
        BinaryOperatorKind.GreaterThan => value > c,
        _ => value >= c,
    };
}

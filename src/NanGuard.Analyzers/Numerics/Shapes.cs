namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// What the code shows of a tensor's shape: the dims it makes size 1 (<c>unsqueeze(d)</c>, a literal 1 in
/// <c>view</c>/<c>reshape</c>), and the rank where the code shows it. Dims are counted from the front (0, 1, ...) or,
/// where the rank is unknown, from the end (-1, -2, ...).
/// </summary>
internal sealed class UnitDims
{
    public static UnitDims None { get; } = new(null, ImmutableHashSet<long>.Empty);

    public UnitDims(int? rank, ImmutableHashSet<long> dims)
    {
        Rank = rank;
        Dims = dims;
    }

    /// <summary>The number of dims, where the code shows it.</summary>
    public int? Rank { get; }

    public ImmutableHashSet<long> Dims { get; }

    public bool IsEmpty => Dims.IsEmpty;

    /// <summary>True where <paramref name="dim"/> (from the front, or from the end where negative) has size 1.</summary>
    public bool HasSizeOne(long dim) =>
        Dims.Contains(dim) || Rank is { } rank && (dim < 0 ? Dims.Contains(rank + dim) : Dims.Contains(dim - rank));

    /// <summary>Dims both know to be size 1: what a value that is either has.</summary>
    public UnitDims Meet(UnitDims other) =>
        new(Rank == other.Rank ? Rank : null, Dims.Intersect(other.Dims));
}

/// <summary>
/// The shape facts: which dims of a tensor the code makes size 1, through the ops of <see cref="Table"/>, locals
/// (the writes that reach a read must all agree) and arithmetic with a constant. Nothing else is known.
/// </summary>
public static class Shapes
{
    private const int MaxDepth = 16;

    private static readonly string[] Unsqueeze = { "unsqueeze", "unsqueeze_" };
    private static readonly string[] View = { "view", "reshape" };
    private static readonly string[] Keep =
    {
        "to", "to_type", "type_as", "float", "double", "half", "bfloat16", "clone", "detach", "detach_", "contiguous", "requires_grad_",
        "relu", "abs", "exp", "log", "sigmoid", "tanh", "square", "sqrt", "neg",
    };

    /// <summary>The shape rows, for docs/ops.md: (family, ops, what they tell of a dim's size).</summary>
    public static IEnumerable<(string Family, IReadOnlyList<string> Ops, string Effect)> Table => new[]
    {
        ("shape: unsqueeze", (IReadOnlyList<string>)Unsqueeze, "dim d has size 1; the input's size-1 dims move past it"),
        ("shape: view, reshape", (IReadOnlyList<string>)View, "with every size written out: the rank, and size 1 wherever a literal 1 is written"),
        ("shape: kept", (IReadOnlyList<string>)Keep, "the input's size-1 dims (casts, copies, elementwise ops; also + - * / with a constant)"),
    };

    /// <summary>The dims of <paramref name="operation"/>'s value the code makes size 1.</summary>
    internal static UnitDims Of(IOperation operation, Session session) => Of(operation, session, 0);

    private static UnitDims Of(IOperation operation, Session session, int depth)
    {
        if (depth > MaxDepth)
            return UnitDims.None;
        switch (operation)
        {
            case IArgumentOperation argument:
                return Of(argument.Value, session, depth + 1);
            case IConversionOperation conversion:
                return Of(conversion.Operand, session, depth + 1);
            case IParenthesizedOperation parenthesized:
                return Of(parenthesized.Operand, session, depth + 1);
            case ILocalReferenceOperation read when read.SemanticModel is { } model:
                if (LocalWrites.Reaching(read, model, session) is not { Count: > 0 } writes || writes.Any(w => w is null))
                    return UnitDims.None;
                return writes.Select(w => Of(w!, session, depth + 1)).Aggregate((a, b) => a.Meet(b));
            case IBinaryOperation binary when binary.OperatorMethod is { } method && session.IsOperator(method):
                return NumericPatterns.Constant(binary.RightOperand) is not null ? Of(binary.LeftOperand, session, depth + 1)
                    : NumericPatterns.Constant(binary.LeftOperand) is not null ? Of(binary.RightOperand, session, depth + 1)
                    : UnitDims.None;
            case IInvocationOperation invocation when session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name):
                return Invocation(new TorchCall(invocation), session, depth);
            default:
                return UnitDims.None;
        }
    }

    private static UnitDims Invocation(TorchCall call, Session session, int depth)
    {
        var name = call.Method.Name;
        if (System.Array.IndexOf(Keep, name) >= 0)
            return call.Input is { } kept ? Of(kept, session, depth + 1) : UnitDims.None;
        if (System.Array.IndexOf(View, name) >= 0)
            return call.Argument("shape") is { } shape ? Written(shape) : UnitDims.None;
        if (System.Array.IndexOf(Unsqueeze, name) >= 0 && call.IntegerArgument("dim") is { } dim && call.Input is { } input)
            return Inserted(Of(input, session, depth + 1), dim);
        return UnitDims.None;
    }

    // view(1, -1), reshape(new long[] { b, 1, n }): the rank, and a 1 wherever a literal 1 is written.
    private static UnitDims Written(IArgumentOperation shape)
    {
        if (ValueFlow.SkipConversions(shape.Value) is not IArrayCreationOperation { Initializer.ElementValues: { Length: > 0 } sizes })
            return UnitDims.None;
        var dims = ImmutableHashSet<long>.Empty;
        for (var i = 0; i < sizes.Length; i++)
        {
            if (NumericPatterns.Constant(sizes[i]) == 1)
                dims = dims.Add(i);
        }
        return new UnitDims(sizes.Length, dims);
    }

    // unsqueeze(d): a new dim of size 1 at d; the input's dims at or after it move one on.
    private static UnitDims Inserted(UnitDims input, long dim)
    {
        var rank = input.Rank + 1;
        if (dim < 0 && rank is { } known)
            dim += known;
        if (dim < 0)
            // Counted from the end with the rank unknown: only unsqueeze(-1) leaves the dims counted from the front alone.
            return new UnitDims(null, ImmutableHashSet.Create(dim).Union(dim == -1 ? input.Dims.Where(d => d >= 0) : Enumerable.Empty<long>()));
        var moved = input.Dims.Where(d => d >= 0).Select(d => d >= dim ? d + 1 : d);
        if (rank is null && dim == 0)
            // Dims counted from the end stay where they are when the new one comes first.
            moved = moved.Concat(input.Dims.Where(d => d < 0));
        return new UnitDims(rank, ImmutableHashSet.Create(dim).Union(moved));
    }
}

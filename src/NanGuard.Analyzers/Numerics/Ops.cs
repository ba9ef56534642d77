namespace NanGuard.Analyzers.Numerics;

/// <summary>What an op row is given: the call, the facts of its tensor operand and of any other operand on demand.</summary>
internal readonly struct OpInput
{
    private readonly FactsEngine _engine;
    private readonly Walk _walk;

    public OpInput(TorchCall call, FactsEngine engine, Walk walk)
    {
        Call = call;
        _engine = engine;
        _walk = walk;
    }

    public TorchCall Call { get; }

    /// <summary>The facts of the tensor the op works on (the receiver or the first argument).</summary>
    public Facts Input => Call.Input is { } input ? _engine.Of(input, _walk) : Facts.Unknown;

    /// <summary>The facts of another operand.</summary>
    public Facts Of(IOperation operation) => _engine.Of(operation, _walk);

    public Session Session => _engine.Session;

    /// <summary>The constant number passed for <paramref name="parameter"/>, or null.</summary>
    public double? Number(string parameter) => Call.Argument(parameter) is { } argument ? NumericPatterns.Constant(argument) : null;
}

/// <summary>One row of the op table: the TorchSharp ops of a family and what each does to what a value can be.</summary>
internal sealed class OpRow
{
    public OpRow(string family, string effect, string[] names, System.Func<OpInput, Facts> transfer)
    {
        Family = family;
        Effect = effect;
        Names = names;
        Transfer = transfer;
    }

    /// <summary>The family's name, for docs/ops.md.</summary>
    public string Family { get; }

    /// <summary>What the ops do to the facts, in words, for docs/ops.md.</summary>
    public string Effect { get; }

    public string[] Names { get; }

    public System.Func<OpInput, Facts> Transfer { get; }
}

/// <summary>
/// The op table: one row per TorchSharp op family, saying what each op does to what a tensor value can be. Adding an
/// op is adding its name to a row, or a row; docs/ops.md is generated from this table (tools/NanGuard.Docs).
/// </summary>
public static class Ops
{
    private const double Inf = double.PositiveInfinity;

    // ln of the largest finite value: exp overflows to inf above these.
    private const double ExpOverflowFloat32 = 88.72;
    private const double ExpOverflowFloat16 = 11.09;

    internal static readonly OpRow[] Rows =
    {
        new("softmax", "a probability in [0, 1]; exactly 0 where it underflows (a logit about 104 below the row's largest, in float32); over dim -1, its rows are known through the ops that keep the row-major order (view, reshape, flatten, squeeze, unsqueeze, copies)",
            new[] { "softmax" },
            op => Facts.Of(ValueKind.Probability, 0, 1, "a softmax that underflows", op.Call.Invocation, "softmax").WithDtype(op.Input.Dtype)
                .WithRows(op.Call.IntegerArgument("dim") == -1 ? RowHolds.Normalised : RowHolds.None)),
        new("sigmoid", "a probability in [0, 1]; exactly 0 below about -104 in float32, and 1 - sigmoid(x) is 0 above about 17",
            new[] { "sigmoid", "expit" },
            op => Facts.Of(ValueKind.Probability, 0, 1, "a sigmoid that underflows", op.Call.Invocation, "sigmoid").WithDtype(op.Input.Dtype)),
        new("log-probabilities", "a log-probability in (-inf, 0]",
            new[] { "log_softmax", "logsigmoid", "log_sigmoid" },
            op => Facts.Of(ValueKind.LogProbability, double.NegativeInfinity, 0, null, op.Call.Invocation, op.Call.Method.Name)),
        new("exp", "[0, +inf]: 0 where it underflows; +inf above about 88.7 in float32 (11.1 in float16)",
            new[] { "exp", "exp2" },
            op => Exp(op)),
        new("non-negative activations", "[0, +inf); 0 reachable",
            new[] { "relu", "relu6", "abs", "square", "softplus" },
            op => Facts.Of(ValueKind.NonNegative, 0, op.Call.Method.Name == "relu6" ? 6 : Inf, Article(op.Call.Method.Name), op.Call.Invocation, op.Call.Method.Name)
                .WithDtype(op.Input.Dtype)),
        new("square root", "[0, +inf); 0 where its input is",
            new[] { "sqrt" },
            op => op.Input is { IsKnown: true, Lo: >= 0 } input
                ? Facts.Of(ValueKind.NonNegative, System.Math.Sqrt(input.Lo), System.Math.Sqrt(input.Hi), input.ZeroCause, op.Call.Invocation, "sqrt").WithDtype(input.Dtype)
                : Facts.Unknown),
        new("norm, std, var", "[0, +inf); 0 for a zero vector (norm) or constant values (std, var)",
            new[] { "norm", "vector_norm", "std", "var" },
            op => Facts.Of(ValueKind.NonNegative, 0, Inf, op.Call.Method.Name switch
            {
                "std" => "a standard deviation (0 for constant values)",
                "var" => "a variance (0 for constant values)",
                _ => "a norm (0 for a zero vector)",
            }, op.Call.Invocation, op.Call.Method.Name == "vector_norm" ? "norm" : op.Call.Method.Name)),
        new("sum", "a sum of a mask or comparison is a count, 0 when nothing is counted; a sum of non-negative terms is non-negative and 0 where every term is; a sum over one dim of a softmax's rows (over -1), where a dim after it is not written as 1, takes at most one entry of each row: 0 where each underflows (over the last dim or every dim, a whole row: unknown)",
            new[] { "sum", "nansum" },
            op => Sum(op)),
        new("count_nonzero", "a count, 0 where every element is 0, whatever the input",
            new[] { "count_nonzero" },
            op => Facts.Of(ValueKind.Count, 0, Inf, "a count of nonzero elements (0 where every element is 0)", op.Call.Invocation, "count_nonzero")),
        new("mean", "a mean of non-negative terms is non-negative and 0 where every term is; of a mask, a fraction in [0, 1]",
            new[] { "mean", "nanmean" },
            op => op.Input is { IsKnown: true, Lo: >= 0 } input && input.Kind != ValueKind.Probability
                ? Facts.Of(input.Kind == ValueKind.Mask ? ValueKind.Bounded : ValueKind.NonNegative, input.Lo, input.Hi, input.ZeroCause, op.Call.Invocation, "mean")
                : Facts.MadeBy(op.Call.Invocation, "mean")),
        new("max, min", "the range of the input",
            new[] { "max", "min", "amax", "amin", "median" },
            op => op.Call.Invocation.Type is { Name: "Tensor" } or INamedTypeSymbol { IsTupleType: true } ? Extreme(op) : Facts.Unknown),
        new("clamp", "the input's range cut to the bounds; a lower bound above 0 keeps the value from 0; a bound written as 0 is no guard: every value beyond it becomes exactly 0",
            new[] { "clamp", "clip", "clamp_", "clip_", "clamp_min", "clamp_min_", "clamp_max", "clamp_max_" },
            op => Clamp(op)),
        new("where", "the join of the two branches; a where is the guard of the double-where idiom even where nothing else is known",
            new[] { "where" },
            op => op.Call.Argument("y") is { } y && (op.Call.Invocation.Instance ?? op.Call.Argument("x")?.Value) is { } x
                && Facts.Join(op.Of(x), op.Of(y)) is { IsKnown: true } joined
                // A row of a where mixes the rows of both branches: only an entry both have at the same place is kept.
                ? (joined.Rows & RowHolds.AtFirst) == RowHolds.None ? joined.WithoutRows() : joined
                : Facts.Unknown.WithGuard("where", double.NegativeInfinity, double.PositiveInfinity)),
        new("nan_to_num", "facts kept; non-finite values replaced",
            new[] { "nan_to_num", "nan_to_num_" },
            op => op.Input.WithGuard("nan_to_num", op.Input.Lo, op.Input.Hi)),
        new("masked_fill", "the join of the input and the fill value; a fill of -inf can cover a whole row (the producer is the masked_fill, the range reaches -inf even where the input is unknown), unless its mask has a 0 in every row (a causal mask)",
            new[] { "masked_fill", "masked_fill_" },
            op => op.Number("value") is { } value
                ? double.IsNegativeInfinity(value) ? NegativeInfinityFill(op) : Facts.Join(op.Input.Derived(), Facts.OfConstant(value))
                : Facts.Unknown),
        new("concatenation", "the join of the inputs",
            new[] { "cat", "stack", "concat", "concatenate", "hstack", "vstack", "dstack" },
            op => Concatenation(op)),
        new("shape and selection", "facts kept",
            new[]
            {
                "reshape", "view", "view_as", "expand", "expand_as", "repeat", "repeat_interleave", "tile", "unsqueeze", "unsqueeze_",
                "squeeze", "squeeze_", "transpose", "t", "permute", "movedim", "swapaxes", "flatten", "unflatten", "detach", "detach_",
                "contiguous", "clone", "index_select", "select", "narrow", "gather", "take_along_dim", "masked_select", "flip", "roll",
                "cpu", "cuda", "requires_grad_", "alias", "dropout",
            },
            op => RowFacts.Reshaped(op)),
        new("casts", "facts kept; the dtype noted (float16 changes where exp overflows and which epsilons vanish)",
            new[] { "to", "to_type", "type_as", "half", "bfloat16", "float", "double" },
            op => Cast(op)),
        new("comparisons", "a mask of 0/1 values: 0 reachable; a.logical_and(a.logical_not().any(-1, keepdim: true)) has a 0 in every row (a row of a all true becomes all false)",
            new[] { "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "logical_not", "logical_and", "logical_or", "one_hot" },
            op => Facts.Of(ValueKind.Mask, 0, 1, op.Call.Method.Name == "one_hot" ? "a one-hot" : "a comparison", op.Call.Invocation, op.Call.Method.Name)
                .WithRows(RowFacts.Compared(op))),
        new("triangular masks", "tril of ones (diagonal >= 0) has a 1 in every row, at column 0; triu of ones (diagonal >= 1) a 0 in every row, at column 0: a causal mask never masks a whole row",
            new[] { "tril", "triu", "tril_", "triu_" },
            op => RowFacts.Triangular(op)),
        new("identity", "1 on the diagonal and 0 elsewhere (no 0 for a sum to reach); a pairwise comparison of a vector with itself (x.unsqueeze(0) == x.unsqueeze(1)) minus it is a mask, 0 for an element no other one matches",
            new[] { "eye" },
            op => Facts.Of(ValueKind.Bounded, 0, 1, null, op.Call.Invocation, "eye")),
        new("uniform samples", "[0, 1): torch.rand can return exactly 0",
            new[] { "rand", "rand_like" },
            op => Facts.Of(ValueKind.Uniform, 0, 1, "a uniform sample (torch.rand can return 0)", op.Call.Invocation, "rand")),
        new("uniform fill", "[from, to): uniform_ can return from, 0 where from is 0 (its default)",
            new[] { "uniform_" },
            op => UniformFill(op)),
        new("constants", "the constant",
            new[] { "ones", "ones_like", "zeros", "zeros_like" },
            op => Facts.OfConstant(op.Call.Method.Name.StartsWith("ones", System.StringComparison.Ordinal) ? 1 : 0)),
        new("learned layers", "an unbounded output: any sign, 0 included",
            new[] { "linear", "bilinear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d" },
            op => Facts.Of(ValueKind.ModelOutput, double.NegativeInfinity, Inf, "an unbounded layer output", op.Call.Invocation, "linear")),
        new("normalize", "each vector of norm 1: entries in [-1, 1]; a sum of products of two normalized vectors is a cosine in [-1, 1]",
            new[] { "normalize" },
            op => Facts.Of(ValueKind.Bounded, -1, 1, null, op.Call.Invocation, "normalize")),
        new("bounded activations", "[-1, 1]",
            new[] { "tanh", "cosine_similarity", "cos", "sin" },
            op => Facts.Of(ValueKind.Bounded, -1, 1, null, op.Call.Invocation, op.Call.Method.Name)),
        new("log", "the log of a probability is a log-probability; the log of a 0/1 mask is a fill of -inf where the mask is 0 (added to scores, an additive mask), unless every row of the mask has a 1",
            new[] { "log" },
            op => op.Input.Kind == ValueKind.Probability
                ? Facts.Of(ValueKind.LogProbability, double.NegativeInfinity, 0, null, op.Call.Invocation, "log")
                : op.Input is { Kind: ValueKind.Mask, CanBeZero: true } mask && mask.ProducerName != "one_hot"
                    ? Facts.Of(ValueKind.Bounded, double.NegativeInfinity, 0, null, op.Call.Invocation, RowFacts.LogOfMask)
                        .WithDtype(mask.Dtype).WithRows(RowFacts.Logged(mask))
                    : Facts.Unknown),
        new("pow", "pow(x, 2) is a square (of [-1, 1], in [0, 1]), 0 only where x can be (a number the code passes that is known not to be 0 squares to no 0, an unknown number to nothing known); pow(x, 0.5) a square root; a constant to a constant power is folded",
            new[] { "pow" },
            op => Pow(op)),
        new("selection sizes", "the number of rows of a boolean selection (t[mask], masked_select(mask), nonzero(), argwhere()): shape[0], size(0), numel() count what the mask selects, 0 where it selects nothing",
            new[] { "size", "numel" },
            op => op.Call.Input is { } tensor && (op.Call.Method.Name == "numel" || op.Call.IntegerArgument("dim") == 0)
                ? SelectionSize(tensor, op.Of, op.Session)
                : Facts.Unknown),
        new("segment sums", "scatter_add/index_add of non-negative terms into a non-negative tensor: non-negative, the producer is the scatter (whose source says what was summed)",
            new[] { "index_add", "index_add_", "scatter_add", "scatter_add_" },
            op => SegmentSum(op)),
    };

    private static readonly Dictionary<string, OpRow> ByName = Rows
        .SelectMany(row => row.Names.Select(name => (name, row)))
        .ToDictionary(pair => pair.name, pair => pair.row, System.StringComparer.Ordinal);

    /// <summary>The op table as (family, ops, effect) rows, for docs/ops.md.</summary>
    public static IEnumerable<(string Family, IReadOnlyList<string> Ops, string Effect)> Table =>
        Rows.Select(row => (row.Family, (IReadOnlyList<string>)row.Names, row.Effect)).Concat(Shapes.Table);

    internal static OpRow? Row(string name) => ByName.TryGetValue(name, out var row) ? row : null;

    /// <summary>The logarithms: each is -inf at 0 and NaN below it.</summary>
    internal static readonly string[] Logarithms = { "log", "log2", "log10" };

    /// <summary>True for a TorchSharp logarithm (log, log2, log10), in any form.</summary>
    internal static bool IsLogarithm(IMethodSymbol method, Session session) =>
        System.Array.IndexOf(Logarithms, method.Name) >= 0 && session.IsOp(method, method.Name);

    /// <summary>True where nothing keeps an exponent below the point where exp overflows in its dtype (a clamp does).</summary>
    internal static bool CanOverflowExp(Facts exponent) => !exponent.IsKnown || exponent.Hi > ExpOverflow(exponent.Dtype);

    /// <summary>The float32/float16 threshold above which exp overflows.</summary>
    internal static double ExpOverflow(string? dtype) => dtype == "float16" ? ExpOverflowFloat16 : ExpOverflowFloat32;

    private static string Article(string name) => name switch
    {
        "abs" => "an abs",
        "square" => "a square",
        "softplus" => "a softplus that underflows",
        _ => "a " + name,
    };

    // The producer name of exp(x - x.max(d)).
    private const string ExpOfShifted = "exp of a max-shifted value";

    private static Facts Exp(OpInput op)
    {
        var input = op.Input;
        var hi = input.IsKnown && !double.IsInfinity(input.Hi) ? System.Math.Exp(input.Hi) : Inf;
        // exp reaches 0 only where its input goes below about -104 (float32): a clamp from below keeps it positive.
        var lo = input.IsKnown && !double.IsInfinity(input.Lo) ? Rounding.To(input.Dtype, System.Math.Exp(input.Lo)) : 0;
        var exp = Facts.Of(ValueKind.NonNegative, lo, hi, lo > 0 ? null : "an exp that underflows", op.Call.Invocation,
            input.ProducerName == Arithmetic.ShiftedByMax ? ExpOfShifted : "exp");
        return exp.WithDtype(input.Dtype);
    }

    // A max or min keeps its input's range; it is the producer a shift by the max (x - x.max(d)) is recognised by.
    private static Facts Extreme(OpInput op)
    {
        var name = op.Call.Method.Name.EndsWith("max", System.StringComparison.Ordinal) ? "max"
            : op.Call.Method.Name.EndsWith("min", System.StringComparison.Ordinal) ? "min"
            : op.Call.Method.Name;
        var input = op.Input;
        return input.IsKnown
            ? Facts.Of(input.Kind, input.Lo, input.Hi, input.ZeroCause, op.Call.Invocation, name).WithDtype(input.Dtype)
            : Facts.MadeBy(op.Call.Invocation, name);
    }

    private static Facts Pow(OpInput op)
    {
        var input = op.Input;
        var exponent = op.Number("exponent");
        if (exponent is { } power && input.Constant is { } c)
            return Facts.OfConstant(Rounding.To(input.Dtype, System.Math.Pow(c, power)));
        switch (exponent)
        {
            // A number squared (a hyper-parameter, lambda ** 2) is no tensor some element of which is 0: unknown stays unknown.
            case 2 when !input.IsKnown && op.Call.Input is { Type: { } type } && IsNumber(type):
                return Facts.Unknown;
            case 2:
                return Arithmetic.Square(input, op.Call.Invocation);
            case 0.5 when input is { IsKnown: true, Lo: >= 0 }:
                return Facts.Of(ValueKind.NonNegative, 0, Inf, input.ZeroCause, op.Call.Invocation, "sqrt");
            default:
                return Facts.Unknown;
        }
    }

    private static bool IsNumber(ITypeSymbol type) =>
        type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double or SpecialType.System_Decimal;

    /// <summary>
    /// The number of rows of <paramref name="tensor"/> where the code shows it is a boolean selection: a count, 0 where
    /// the mask (a comparison, a tensor named as a mask) selects nothing. Unknown for anything else (a slice, an index
    /// tensor of positions, a one-hot).
    /// </summary>
    internal static Facts SelectionSize(IOperation tensor, System.Func<IOperation, Facts> facts, Session session)
    {
        var selection = ValueFlow.Unwrap(tensor, session);
        var mask = selection switch
        {
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } indexer when session.IsTensor(indexed.Type) =>
                SingleIndex(indexer.Arguments, session),
            IInvocationOperation invocation when session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name) => invocation.TargetMethod.Name switch
            {
                "masked_select" => new TorchCall(invocation).Argument("mask")?.Value,
                "index" => SingleIndex(invocation.Arguments, session),
                _ => null,
            },
            _ => null,
        };
        if (mask is not null)
        {
            var selecting = facts(mask);
            return selecting is { Kind: ValueKind.Mask, CanBeZero: true } && selecting.ProducerName != "one_hot"
                ? Facts.Of(ValueKind.Count, 0, Inf, "the size of a boolean selection (0 where the mask selects nothing)", selection, "selection")
                : Facts.Unknown;
        }
        // nonzero() and argwhere() have a row per nonzero element: count_nonzero's count.
        return selection is IInvocationOperation { TargetMethod.Name: "nonzero" or "argwhere" } positions
            && session.IsOp(positions.TargetMethod, positions.TargetMethod.Name)
            ? Facts.Of(ValueKind.Count, 0, Inf, "a count of nonzero elements (0 where every element is 0)", positions, "count_nonzero")
            : Facts.Unknown;
    }

    /// <summary>
    /// What an element of <paramref name="indexed"/> selected by <paramref name="arguments"/> can be: the facts of the
    /// tensor, narrowed where the index is a comparison of the same tensor with a constant (<c>n[n &gt; 0]</c> holds no 0).
    /// </summary>
    internal static Facts Selected(Facts values, IOperation indexed, ImmutableArray<IArgumentOperation> arguments, Session session)
    {
        if (!values.IsKnown || SingleIndex(arguments, session) is not { } index
            || ValueFlow.Unwrap(index, session) is not IBinaryOperation { } comparison || !session.IsOperator(comparison.OperatorMethod))
            return values;
        // v op k, or k op v read as v (op mirrored) k.
        var (value, op, bound) = NumericPatterns.Constant(comparison.RightOperand) is { } right ? (comparison.LeftOperand, comparison.OperatorKind, right)
            : NumericPatterns.Constant(comparison.LeftOperand) is { } left ? (comparison.RightOperand, Mirror(comparison.OperatorKind), left)
            : (null, BinaryOperatorKind.None, 0);
        if (value is null || !ValueFlow.SameValue(value, indexed, session))
            return values;
        var (lo, hi) = op switch
        {
            BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual => (System.Math.Max(values.Lo, bound), values.Hi),
            BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual => (values.Lo, System.Math.Min(values.Hi, bound)),
            _ => (values.Lo, values.Hi),
        };
        var excludesZero = op switch
        {
            BinaryOperatorKind.GreaterThan => bound >= 0,
            BinaryOperatorKind.GreaterThanOrEqual => bound > 0,
            BinaryOperatorKind.LessThan => bound <= 0,
            BinaryOperatorKind.LessThanOrEqual => bound < 0,
            BinaryOperatorKind.NotEquals => bound == 0,
            _ => false,
        };
        return lo > hi ? values : values.Derived().WithRange(lo, hi, excludesZero ? null : values.ZeroCause);
    }

    private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        _ => kind,
    };

    // The index of t[i] or t.index(i) where there is one and it is a tensor.
    private static IOperation? SingleIndex(ImmutableArray<IArgumentOperation> arguments, Session session)
    {
        if (arguments.Length != 1)
            return null;
        var index = ValueFlow.SkipConversions(arguments[0].Value);
        if (index is IArrayCreationOperation { Initializer.ElementValues: { Length: 1 } elements })
            index = ValueFlow.SkipConversions(elements[0]);
        return session.IsTensor(index.Type) ? index : null;
    }

    private static Facts UniformFill(OpInput op)
    {
        var from = op.Number("from") ?? 0;
        var to = op.Number("to") ?? 1;
        return from <= to
            ? Facts.Of(ValueKind.Uniform, from, to, from <= 0 && to >= 0 ? "a uniform sample (uniform_ can return its lower bound)" : null,
                op.Call.Invocation, "rand")
            : Facts.Unknown;
    }

    private static Facts SegmentSum(OpInput op)
    {
        var source = op.Call.Argument("source") ?? op.Call.Argument("src");
        if (source is null || op.Input is not { IsKnown: true, Lo: >= 0 } target || op.Of(source) is not { IsKnown: true, Lo: >= 0 } terms)
            return Facts.Unknown;
        return Facts.Of(ValueKind.NonNegative, 0, Inf, target.ZeroCause is not null ? terms.ZeroCause : null, op.Call.Invocation, "segment_sum")
            .WithDtype(terms.Dtype);
    }

    // masked_fill(mask, -inf): where the mask covers a whole row, the row is -inf throughout (a softmax of it is NaN).
    private static Facts NegativeInfinityFill(OpInput op)
    {
        var input = op.Input;
        return Facts.Of(ValueKind.Bounded, double.NegativeInfinity, input.IsKnown ? input.Hi : Inf, null, op.Call.Invocation, "masked_fill")
            .WithDtype(input.Dtype).WithRows(RowFacts.Filled(op, input));
    }

    private static Facts Sum(OpInput op)
    {
        var input = op.Input;
        if (input.ProducerName == Arithmetic.NormalizedProducts)
            return Facts.Of(ValueKind.Bounded, -1, 1, null, op.Call.Invocation, "cosine_similarity");
        // The sum of exp(x - x.max(d)) holds exp(0) = 1: a stable softmax's denominator is at least 1.
        if (input.ProducerName == ExpOfShifted)
            return Facts.Of(ValueKind.NonNegative, 1, Inf, null, op.Call.Invocation, "sum").WithDtype(input.Dtype);
        if (input.Kind == ValueKind.Probability && input.CanBeZero && AcrossRows(op, input))
            return Facts.Of(ValueKind.NonNegative, 0, Inf, "a sum across softmax rows whose entries underflow", op.Call.Invocation, "sum")
                .WithDtype(input.Dtype);
        if (!input.IsKnown || input.Lo < 0 || input.Kind == ValueKind.Probability)
            return Facts.Unknown;
        var kind = input.Kind is ValueKind.Mask or ValueKind.Count ? ValueKind.Count : ValueKind.NonNegative;
        return Facts.Of(kind, 0, Inf, input.ZeroCause, op.Call.Invocation, "sum").WithDtype(input.Dtype);
    }

    // A sum over one dim k of a softmax's rows (over the last dim) as the row-major order keeps them: its terms lie a
    // stride of the sizes after k apart, so where some dim after k is not one the code makes size 1 (so of size 2 or
    // more, as a softmax's own dim is), the terms of one sum hold at most one entry of each row, each of which underflows
    // to 0 on its own. Over the last dim, or over every dim, a sum holds whole rows, and is 1 or more.
    private static bool AcrossRows(OpInput op, Facts input)
    {
        if ((input.Rows & RowHolds.Normalised) == RowHolds.None || op.Call.IntegerArgument("dim") is not { } dim || op.Call.Input is not { } summed)
            return false;
        var shape = Shapes.Of(summed, op.Session);
        var (from, last) = dim < 0 ? (dim + 1, -1L) : shape.Rank is { } rank ? (dim + 1, rank - 1L) : (0, -1);
        if (from > last)
            return false;
        for (var d = from; d <= last; d++)
        {
            if (!shape.HasSizeOne(d))
                return true;
        }
        return false;
    }

    /// <summary>How a clamp whose bound is 0 reaches 0.</summary>
    internal const string ClampAtZero = "a clamp at 0 (every value beyond the bound becomes 0)";

    private static Facts Clamp(OpInput op)
    {
        var input = op.Input;
        var name = op.Call.Method.Name;
        var (minName, maxName) = name.StartsWith("clamp_min", System.StringComparison.Ordinal) ? ("min", (string?)null)
            : name.StartsWith("clamp_max", System.StringComparison.Ordinal) ? (null, "max")
            : ("min", "max");
        // The bounds as the tensor's dtype holds them: 1 - 1e-4 is 1 in float16.
        var min = minName is null ? null : Bound(op, minName) is { } lower ? Rounding.To(input.Dtype, lower) : (double?)null;
        var max = maxName is null ? null : Bound(op, maxName) is { } upper ? Rounding.To(input.Dtype, upper) : (double?)null;
        if (min is double.NaN || max is double.NaN)
            return Facts.Unknown;
        var lo = System.Math.Max(input.Lo, min ?? double.NegativeInfinity);
        var hi = System.Math.Min(input.Hi, max ?? Inf);
        // A bound written as 0 is reached by every value beyond it (clamp(min: 0) is a relu): the clamp keeps the
        // value's sign, not its distance from 0, so it is no guard against a division or a log.
        // (A bound that only rounds to 0 in the dtype is NG1020's vanishing epsilon.)
        var atLower = minName is not null && Bound(op, minName) == 0 && input.Lo <= 0;
        if (atLower || maxName is not null && Bound(op, maxName) == 0 && input.Hi >= 0)
        {
            var reached = atLower ? input.Lo : input.Hi;
            var cause = reached == 0 && input.CanBeZero ? input.ZeroCause : ClampAtZero;
            var kind = input.IsKnown && input.Kind != ValueKind.ModelOutput ? input.Kind : atLower ? ValueKind.NonNegative : ValueKind.Bounded;
            return (input.IsKnown ? input.Derived().WithKind(kind) : Facts.Of(kind, lo, hi, null).WithDtype(input.Dtype)).WithRange(lo, hi, cause);
        }
        var guard = "clamped to [" + Format(min ?? double.NegativeInfinity) + ", " + Format(max ?? Inf) + "]";
        var clamped = input.IsKnown ? input : Facts.Of(ValueKind.Bounded, lo, hi, null).WithDtype(input.Dtype);
        return clamped.WithGuard(guard, lo, hi);
    }

    // The constant bound passed for a clamp's min or max; null where none was passed; NaN where one was passed that is
    // not a constant (a tensor of bounds): nothing is known of the result then.
    private static double? Bound(OpInput op, string parameter) =>
        op.Call.Argument(parameter) is not { } argument ? null
        : ValueFlow.SkipConversions(argument.Value) is { ConstantValue.HasValue: true, ConstantValue.Value: null } ? null
        : NumericPatterns.Constant(argument) ?? double.NaN;

    private static Facts Concatenation(OpInput op)
    {
        var tensors = op.Call.Argument("tensors")?.Value;
        if (tensors is not null && ValueFlow.SkipConversions(tensors) is IArrayCreationOperation { Initializer.ElementValues: { Length: > 0 } elements })
            return Facts.JoinAll(elements.Select(op.Of)).Derived();
        return Facts.Unknown;
    }

    private static Facts Cast(OpInput op)
    {
        var name = op.Call.Method.Name;
        if (!op.Call.IsInstanceForm && name is not ("to" or "to_type"))
            return Facts.Unknown;
        var input = op.Input;
        var dtype = name switch
        {
            "half" => "float16",
            "bfloat16" => "bfloat16",
            "double" => "float64",
            "float" => null,
            _ => DtypeArgument(op.Call) ?? input.Dtype,
        };
        return input.WithDtype(dtype);
    }

    private static string? DtypeArgument(TorchCall call) => DtypeArgument(call.Invocation, out var dtype) ? dtype : null;

    /// <summary>
    /// True where <paramref name="invocation"/> is passed a dtype (<c>ScalarType.Float16</c>, <c>torch.float16</c>), with
    /// the name the facts give it in <paramref name="dtype"/> (null for float32 and for any other type).
    /// </summary>
    internal static bool DtypeArgument(IInvocationOperation invocation, out string? dtype)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (ValueFlow.SkipConversions(argument.Value) is IFieldReferenceOperation { Field: { ContainingType.Name: "ScalarType" or "torch" } field }
                && field.Type.Name == "ScalarType")
            {
                dtype = field.Name switch
                {
                    "Float16" or "float16" or "half" => "float16",
                    "BFloat16" or "bfloat16" => "bfloat16",
                    "Float64" or "float64" or "@double" => "float64",
                    _ => null,
                };
                return true;
            }
        }
        dtype = null;
        return false;
    }

    /// <summary>A number as a message writes it.</summary>
    internal static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

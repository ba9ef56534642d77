namespace NanGuard.Analyzers.Numerics;

/// <summary>What a value is for the user, in the terms NaN depends on.</summary>
internal enum ValueKind
{
    /// <summary>Nothing is known: never a reason to report.</summary>
    Unknown,

    /// <summary>A probability in [0, 1] from a softmax or a sigmoid: exactly 0 once it underflows.</summary>
    Probability,

    /// <summary>A log-probability in (-inf, 0] (log_softmax, logsigmoid).</summary>
    LogProbability,

    /// <summary><c>1 - p</c> of a probability: exactly 0 where p rounds to 1.</summary>
    Complement,

    /// <summary>0/1 values: a comparison, a one-hot, a tensor named as a mask.</summary>
    Mask,

    /// <summary>A sum of 0/1 values: a count, 0 when nothing is counted.</summary>
    Count,

    /// <summary>[0, +inf): a relu, an abs, a square, a norm, a std, an exp; 0 reachable.</summary>
    NonNegative,

    /// <summary>A learned layer's output or a parameter: unbounded either way.</summary>
    ModelOutput,

    /// <summary>A uniform sample in [0, 1): torch.rand can return exactly 0.</summary>
    Uniform,

    /// <summary>A number the code writes.</summary>
    Constant,

    /// <summary>Something else with a known range.</summary>
    Bounded,

    /// <summary>A module: what calling it gives is in <see cref="Facts.Layers"/>.</summary>
    Module,

    /// <summary>A tuple (a forward that returns two heads): what each element is, in <see cref="Facts.Elements"/>.</summary>
    Tuple,
}

/// <summary>
/// What every row along a tensor's last dim (the dim a softmax over -1 normalises) is known to hold. Kept only by what
/// leaves each row's entries where they were: casts, copies, broadcasting, an unsqueeze that does not make a new last
/// dim, a slice that starts at 0 (for <see cref="AtFirst"/>); anything else forgets it.
/// </summary>
[System.Flags]
internal enum RowHolds
{
    None = 0,

    /// <summary>A 0/1 tensor with a 1 in every row (<c>ones(n, n).tril()</c>: the diagonal and column 0).</summary>
    One = 1,

    /// <summary>A 0/1 tensor with a 0 in every row (<c>ones(n, n).triu(1)</c>, <c>tril(...) == 0</c>).</summary>
    Zero = 2,

    /// <summary>A masked_fill with -inf: every row has an entry the fill does not cover.</summary>
    Unfilled = 4,

    /// <summary>The entry the flags speak of is the row's first, so a slice of the row from 0 keeps it.</summary>
    AtFirst = 8,

    /// <summary>
    /// The rows of a softmax over the last dim: in row-major order the entries come in runs of adjacent entries, each
    /// run one softmax row (summing to 1). Kept, unlike the other flags, by every op that keeps the row-major order of
    /// the entries (view, reshape, flatten, squeeze, unsqueeze, copies), whatever sizes they write.
    /// </summary>
    Normalised = 16,
}

/// <summary>One step of the chain that gave a fact: a member it came through, for messages and related locations.</summary>
internal sealed class Evidence
{
    public Evidence(Location location, string text)
    {
        Location = location;
        Text = text;
    }

    public Location Location { get; }

    /// <summary>How the value came through this place: "returned by Policy.Probabilities".</summary>
    public string Text { get; }
}

/// <summary>
/// What a tensor value can be: its kind, its range, whether 0 is reachable (and how), the operation that produced the
/// fact, the dtype where the code makes it known, and the members the value came through. Immutable; made by the
/// <see cref="FactsEngine"/> from the operations in <see cref="Ops"/>.
/// </summary>
internal sealed class Facts
{
    private Facts(ValueKind kind, double lo, double hi, string? zeroCause, IOperation? producer, string? producerName, bool exact,
        string? dtype, ImmutableArray<Evidence> via, string? guard, ImmutableArray<Layer> layers, RowHolds rows = RowHolds.None,
        ImmutableArray<Facts> elements = default)
    {
        Rows = rows;
        Kind = kind;
        Lo = lo;
        Hi = hi;
        ZeroCause = zeroCause;
        Producer = producer;
        ProducerName = producerName;
        Exact = exact;
        Dtype = dtype;
        Via = via;
        Guard = guard;
        Layers = layers;
        Elements = elements.IsDefault ? ImmutableArray<Facts>.Empty : elements;
    }

    /// <summary>Nothing known.</summary>
    public static Facts Unknown { get; } = new(ValueKind.Unknown, double.NegativeInfinity, double.PositiveInfinity, null, null, null,
        false, null, ImmutableArray<Evidence>.Empty, null, ImmutableArray<Layer>.Empty);

    public ValueKind Kind { get; }

    /// <summary>The lowest value (-inf where unbounded).</summary>
    public double Lo { get; }

    /// <summary>The highest value (+inf where unbounded).</summary>
    public double Hi { get; }

    /// <summary>How the value reaches exactly 0 ("a softmax that underflows", "a relu"), or null where it cannot.</summary>
    public string? ZeroCause { get; }

    /// <summary>The operation whose result gives the kind (the softmax call of a probability).</summary>
    public IOperation? Producer { get; }

    /// <summary>The op family of <see cref="Producer"/>: "softmax", "sigmoid", "linear"...</summary>
    public string? ProducerName { get; }

    /// <summary>True where the value is the producer's result itself, changed only by shape and selection ops.</summary>
    public bool Exact { get; }

    /// <summary>"float16", "bfloat16", "float64" where the code says so; null for the default float32.</summary>
    public string? Dtype { get; }

    /// <summary>The members the value came through, innermost first.</summary>
    public ImmutableArray<Evidence> Via { get; }

    /// <summary>What keeps the value away from its boundary (a clamp, an epsilon), or null.</summary>
    public string? Guard { get; }

    /// <summary>What every row along the last dim holds (<see cref="RowHolds"/>); None where nothing is known.</summary>
    public RowHolds Rows { get; }

    /// <summary>For a module: the layers a call runs, in order.</summary>
    public ImmutableArray<Layer> Layers { get; }

    /// <summary>For a tuple: what each element is, in order.</summary>
    public ImmutableArray<Facts> Elements { get; }

    /// <summary>What element <paramref name="index"/> of a tuple is; unknown for anything else.</summary>
    public Facts Element(int index)
    {
        if (Kind != ValueKind.Tuple || index < 0 || index >= Elements.Length)
            return Unknown;
        var element = Elements[index];
        foreach (var step in Via)
            element = element.Through(step);
        return element;
    }

    public bool IsKnown => Kind != ValueKind.Unknown;

    /// <summary>True where the code gives evidence that the value can be exactly 0.</summary>
    public bool CanBeZero => IsKnown && ZeroCause is not null && Lo <= 0 && Hi >= 0;

    /// <summary>True where the code gives evidence that the value can be negative.</summary>
    public bool CanBeNegative => IsKnown && Lo < 0;

    /// <summary>True for a probability produced by <paramref name="op"/> ("softmax", "sigmoid").</summary>
    public bool IsProbabilityFrom(string op) => Kind == ValueKind.Probability && ProducerName == op;

    /// <summary>The constant the value is, where it is one.</summary>
    public double? Constant => Kind == ValueKind.Constant ? Lo : null;

    public static Facts Of(ValueKind kind, double lo, double hi, string? zeroCause, IOperation? producer = null, string? producerName = null) =>
        new(kind, lo, hi, zeroCause, producer, producerName, exact: producer is not null, null, ImmutableArray<Evidence>.Empty, null,
            ImmutableArray<Layer>.Empty);

    public static Facts OfConstant(double value) =>
        new(ValueKind.Constant, value, value, value == 0 ? "the constant 0" : null, null, null, false, null,
            ImmutableArray<Evidence>.Empty, null, ImmutableArray<Layer>.Empty);

    public static Facts OfModule(ImmutableArray<Layer> layers, IOperation? producer) =>
        layers.IsEmpty ? Unknown : new(ValueKind.Module, double.NegativeInfinity, double.PositiveInfinity, null, producer, "module", true, null,
            ImmutableArray<Evidence>.Empty, null, layers);

    /// <summary>A tuple of the given elements; unknown where none of them is known.</summary>
    public static Facts OfTuple(ImmutableArray<Facts> elements) =>
        elements.Any(e => e.IsKnown || e.Dtype is not null)
            ? new(ValueKind.Tuple, double.NegativeInfinity, double.PositiveInfinity, null, null, "tuple", false, null,
                ImmutableArray<Evidence>.Empty, null, ImmutableArray<Layer>.Empty, elements: elements)
            : Unknown;

    public Facts WithRange(double lo, double hi, string? zeroCause) =>
        new(Kind, lo, hi, zeroCause, Producer, ProducerName, Exact, Dtype, Via, Guard, Layers, elements: Elements);

    public Facts WithKind(ValueKind kind) =>
        new(kind, Lo, Hi, ZeroCause, Producer, ProducerName, Exact, Dtype, Via, Guard, Layers, elements: Elements);

    /// <summary>The same facts of a value computed from this one (no longer the producer's result itself).</summary>
    public Facts Derived() =>
        Exact ? new(Kind, Lo, Hi, ZeroCause, Producer, ProducerName, false, Dtype, Via, Guard, Layers, elements: Elements) : WithoutRows();

    public Facts WithDtype(string? dtype) =>
        new(Kind, Lo, Hi, ZeroCause, Producer, ProducerName, Exact, dtype, Via, Guard, Layers, Rows, Elements);

    /// <summary>The same facts with what every row holds (every other change of the facts forgets it).</summary>
    public Facts WithRows(RowHolds rows) =>
        IsKnown ? new(Kind, Lo, Hi, ZeroCause, Producer, ProducerName, Exact, Dtype, Via, Guard, Layers, rows, Elements) : this;

    /// <summary>The facts of a value whose rows are no longer known (a transpose, a selection).</summary>
    public Facts WithoutRows() => Rows == RowHolds.None ? this : WithRows(RowHolds.None);

    public Facts WithGuard(string guard, double lo, double hi) =>
        new(Kind == ValueKind.Unknown ? ValueKind.Unknown : Kind, lo, hi, lo > 0 || hi < 0 ? null : ZeroCause, Producer, ProducerName,
            false, Dtype, Via, guard, Layers, elements: Elements);

    /// <summary>The same facts, reached through one more member.</summary>
    public Facts Through(Evidence step) =>
        IsKnown ? new(Kind, Lo, Hi, ZeroCause, Producer, ProducerName, Exact, Dtype, Via.Add(step), Guard, Layers, Rows, Elements) : this;

    /// <summary>
    /// What a value that is either <paramref name="a"/> or <paramref name="b"/> can be. Precision first: where one side
    /// is unknown, so is the join.
    /// </summary>
    public static Facts Join(Facts a, Facts b)
    {
        if (!a.IsKnown || !b.IsKnown)
        {
            // A -inf fill on one side (a mask applied on one branch only) may reach every row of the join: a row the
            // mask covers is -inf on that side, whatever the other side is.
            if ((RowFacts.IsNegativeInfinityFill(a) ? a : RowFacts.IsNegativeInfinityFill(b) ? b : null) is { } fill)
                return fill.Derived().WithRange(fill.Lo, double.PositiveInfinity, null).WithDtype(a.Dtype == b.Dtype ? a.Dtype : null).WithRows(fill.Rows);
            return a.Dtype is { } dtype && dtype == b.Dtype ? Unknown.WithDtype(dtype) : Unknown;
        }
        if (ReferenceEquals(a, b))
            return a;
        if (a.Kind == ValueKind.Tuple || b.Kind == ValueKind.Tuple)
            return JoinTuples(a, b);
        var sameKind = a.Kind == b.Kind;
        var sameProducer = sameKind && a.ProducerName == b.ProducerName;
        var zeroCause = a.ZeroCause ?? b.ZeroCause;
        // Two different constants are no constant: a value between them.
        var kind = sameKind && !(a.Kind == ValueKind.Constant && a.Lo != b.Lo) ? a.Kind
            : a.Kind == ValueKind.Module || b.Kind == ValueKind.Module ? ValueKind.Unknown : ValueKind.Bounded;
        if (kind == ValueKind.Unknown)
            return Unknown;
        return new Facts(kind, System.Math.Min(a.Lo, b.Lo), System.Math.Max(a.Hi, b.Hi), zeroCause,
            sameProducer ? a.Producer : null, sameProducer ? a.ProducerName : null, sameProducer && a.Exact && b.Exact && a.Producer == b.Producer,
            a.Dtype == b.Dtype ? a.Dtype : null, a.Via.IsEmpty ? b.Via : a.Via,
            a.Guard is not null && b.Guard is not null ? a.Guard : null,
            kind == ValueKind.Module && a.Layers.SequenceEqual(b.Layers) ? a.Layers : ImmutableArray<Layer>.Empty,
            RowsOfEither(a.Rows, b.Rows));
    }

    // What every row of either value holds: the flags both have (AtFirst only with a flag it places).
    private static RowHolds RowsOfEither(RowHolds a, RowHolds b)
    {
        var both = a & b;
        return (both & ~RowHolds.AtFirst) == RowHolds.None ? RowHolds.None : both;
    }

    // Two tuples of the same length join element by element (a forward with two returns); anything else is unknown.
    private static Facts JoinTuples(Facts a, Facts b)
    {
        if (a.Kind != b.Kind || a.Elements.Length != b.Elements.Length)
            return Unknown;
        var elements = a.Elements.Select((e, i) => Join(a.Element(i), b.Element(i))).ToImmutableArray();
        return OfTuple(elements);
    }

    /// <summary>The join of every value in <paramref name="values"/>; unknown where there is none (with the dtype they share).</summary>
    public static Facts JoinAll(IEnumerable<Facts> values)
    {
        Facts? joined = null;
        foreach (var value in values)
        {
            // Where one value is unknown so is the join (keeping only a dtype every value shares, or a -inf fill
            // another value is): once nothing else is left to keep, only a fill among the rest changes it.
            if (joined is not null && !joined.IsKnown && joined.Dtype is null)
            {
                if (RowFacts.IsNegativeInfinityFill(value))
                    joined = Join(joined, value);
                continue;
            }
            joined = joined is null ? value : Join(joined, value);
        }
        // One value is itself, its producer kept even where nothing else is known of it (the mean a std pairs with).
        return joined ?? Unknown;
    }

    /// <summary>Nothing known of the value but the op that made it (a mean or a max of an unknown tensor).</summary>
    public static Facts MadeBy(IOperation producer, string name) =>
        new(ValueKind.Unknown, double.NegativeInfinity, double.PositiveInfinity, null, producer, name, true, null,
            ImmutableArray<Evidence>.Empty, null, ImmutableArray<Layer>.Empty);
}

/// <summary>One layer of a module: what it does to its input.</summary>
internal sealed class Layer
{
    public Layer(string op, IMethodSymbol? forward = null)
    {
        Op = op;
        Forward = forward;
    }

    /// <summary>The op family ("sigmoid", "softmax", "relu", "linear", "keep") or "forward" for a module of the user's own.</summary>
    public string Op { get; }

    /// <summary>The user's forward method, for <see cref="Op"/> "forward".</summary>
    public IMethodSymbol? Forward { get; }

    public override bool Equals(object? obj) =>
        obj is Layer other && other.Op == Op && SymbolEqualityComparer.Default.Equals(other.Forward, Forward);

    public override int GetHashCode() => Op.GetHashCode();
}

/// <summary>How a finding names the evidence that lives outside the reported expression.</summary>
internal static class Explain
{
    /// <summary>" (returned by Policy.Probabilities)" where the value came through members; "" where it did not.</summary>
    public static string Via(Facts facts) =>
        facts.Via.IsEmpty ? "" : " (" + string.Join(", ", facts.Via.Reverse().Select(step => step.Text)) + ")";

    /// <summary>
    /// Why a log of a probability computed out of reach gets no rewrite to <paramref name="stable"/> (log_softmax,
    /// logsigmoid): a log2 or log10, a result reshaped on the way, or a producer in another member.
    /// </summary>
    public static string NoRewriteAtTheLog(IMethodSymbol log, Facts facts, string producer, string stable, string needs) =>
        log.Name != "log" ? stable + " is the natural log: " + log.Name + " of it needs a division by ln " + log.Name.Substring(3)
        : facts.Via.IsEmpty ? "the " + producer + "'s result reaches the log through other operations (a reshape, a selection, a branch)"
        : "the " + producer + " is computed in another member" + Via(facts) + ", where " + stable + " needs its " + needs;

    /// <summary>The places the value came through, outermost first: the diagnostic's additional locations.</summary>
    public static IEnumerable<Location> Locations(Facts facts) => facts.Via.Reverse().Select(step => step.Location);
}

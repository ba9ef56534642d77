namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// What tensor arithmetic does to facts: <c>+ - * /</c> as operators and as methods (<c>add</c>, <c>sub</c>, <c>mul</c>,
/// <c>div</c>, <c>neg</c>), constants folded in the value's dtype so that an epsilon rounding erases
/// (<c>1 + 1e-10</c> is 1 in float32) guards nothing.
/// </summary>
internal static class Arithmetic
{
    private const double Inf = double.PositiveInfinity;

    public static Facts Binary(IBinaryOperation binary, FactsEngine engine, Walk walk, Session session)
    {
        if (binary.OperatorMethod is not null && !session.IsOperator(binary.OperatorMethod))
            return Facts.Unknown;
        return binary.OperatorKind switch
        {
            BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide =>
                Combine(binary.OperatorKind, binary.LeftOperand, binary.RightOperand, binary, engine, walk, session),
            BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual when session.IsTensor(binary.Type) =>
                Facts.Of(ValueKind.Mask, 0, 1, "a comparison", binary, "comparison").WithRows(ComparedRows(binary, engine, walk)),
            _ => Facts.Unknown,
        };
    }

    // What every row of m == c (m != c, m < c...) holds, for a 0/1 tensor m whose rows are known and a constant c.
    private static RowHolds ComparedRows(IBinaryOperation comparison, FactsEngine engine, Walk walk) =>
        NumericPatterns.Constant(comparison.RightOperand) is { } right
            ? RowFacts.Compared(engine.Of(comparison.LeftOperand, walk), comparison.OperatorKind, right)
            : NumericPatterns.Constant(comparison.LeftOperand) is { } left
                ? RowFacts.Compared(engine.Of(comparison.RightOperand, walk), RowFacts.Mirrored(comparison.OperatorKind), left)
                : RowHolds.None;

    /// <summary>The method forms: <c>x.add(y)</c>, <c>torch.mul(x, y)</c>, <c>x.neg()</c>.</summary>
    public static Facts Method(TorchCall call, FactsEngine engine, Walk walk, Session session)
    {
        var kind = call.Method.Name switch
        {
            "add" or "add_" => BinaryOperatorKind.Add,
            "sub" or "sub_" or "subtract" => BinaryOperatorKind.Subtract,
            "mul" or "mul_" or "multiply" => BinaryOperatorKind.Multiply,
            "div" or "div_" or "divide" or "true_divide" => BinaryOperatorKind.Divide,
            "neg" or "negative" => BinaryOperatorKind.None,
            _ => (BinaryOperatorKind?)null,
        };
        if (kind is null || call.Input is not { } left)
            return Facts.Unknown;
        if (kind == BinaryOperatorKind.None)
            return Negate(engine.Of(left, walk));
        var right = call.Invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == (call.IsInstanceForm ? 0 : 1))?.Value;
        return right is null ? Facts.Unknown : Combine(kind.Value, left, right, call.Invocation, engine, walk, session);
    }

    /// <summary>The largest square of a value: 1 for a cosine in [-1, 1], so that 1 - cos^2 is known to reach 0.</summary>
    public static double SquareBound(Facts value) =>
        value.IsKnown ? System.Math.Max(value.Lo * value.Lo, value.Hi * value.Hi) : Inf;

    /// <summary>
    /// The square of a value (x * x, pow(x, 2)): non-negative, and 0 only where the value can be; of a value kept from 0
    /// (a clamp from below, a positive constant added) it is not.
    /// </summary>
    public static Facts Square(Facts value, IOperation operation)
    {
        if (!(value.IsKnown && value.ZeroCause is null && (value.Lo > 0 || value.Hi < 0)))
            return Facts.Of(ValueKind.NonNegative, 0, SquareBound(value), "a square", operation, "square");
        // The least square as the dtype holds it: (1e-4) ** 2 is 0 in float16.
        var least = Rounding.To(value.Dtype, System.Math.Min(value.Lo * value.Lo, value.Hi * value.Hi));
        return Facts.Of(ValueKind.NonNegative, least, SquareBound(value), least > 0 ? null : "a square that underflows", operation, "square")
            .WithDtype(value.Dtype);
    }

    public static Facts Negate(Facts value) =>
        value.Constant is { } c ? Facts.OfConstant(-c)
        : value.IsKnown ? value.Derived().WithKind(value.Kind == ValueKind.ModelOutput ? ValueKind.ModelOutput : ValueKind.Bounded)
            .WithRange(-value.Hi, -value.Lo, value.ZeroCause)
        : Facts.Unknown;

    private static Facts Combine(BinaryOperatorKind kind, IOperation leftOperand, IOperation rightOperand, IOperation operation,
        FactsEngine engine, Walk walk, Session session)
    {
        var left = engine.Of(leftOperand, walk);
        var right = engine.Of(rightOperand, walk);
        var dtype = left.Dtype ?? right.Dtype;
        if (left.Constant is { } a && right.Constant is { } b)
            return Facts.OfConstant(Rounding.To(dtype, Fold(kind, a, b)));
        if (kind == BinaryOperatorKind.Subtract && IsRange(leftOperand, rightOperand, session))
            return Facts.Of(ValueKind.NonNegative, 0, Inf, "a range max - min (0 for constant values)", operation, "range").WithDtype(dtype);
        return kind switch
        {
            BinaryOperatorKind.Add => Add(left, right, dtype),
            BinaryOperatorKind.Subtract => Subtract(left, right, leftOperand, operation, session),
            BinaryOperatorKind.Multiply => Multiply(left, right, leftOperand, rightOperand, operation, session),
            BinaryOperatorKind.Divide => Divide(left, right, leftOperand, rightOperand, operation, session),
            _ => Facts.Unknown,
        };
    }

    /// <summary>The producer name of x - x.max(d): exp of it is at most 1, and 1 at the max, so its sum is at least 1.</summary>
    public const string ShiftedByMax = "shifted by its max";

    /// <summary>The producer name of the elementwise product of two normalized tensors: summed, a cosine.</summary>
    public const string NormalizedProducts = "normalized products";

    // The producer name of a product of norms: a dot product divided by it is a cosine.
    private const string Norms = "norms";

    // x.max() - x.min() (amax/amin, over the same dims or none): never negative, 0 where every value is the same.
    private static bool IsRange(IOperation leftOperand, IOperation rightOperand, Session session) =>
        (TorchPatterns.IsOp(leftOperand, session, "max", out var max) || TorchPatterns.IsOp(leftOperand, session, "amax", out max))
        && (TorchPatterns.IsOp(rightOperand, session, "min", out var min) || TorchPatterns.IsOp(rightOperand, session, "amin", out min))
        && max.Invocation.Type is { Name: "Tensor" } && min.Invocation.Type is { Name: "Tensor" }
        && max.Input is { } maxInput && min.Input is { } minInput && ValueFlow.SameValue(maxInput, minInput, session)
        && SameArguments(max, min);

    private static bool SameArguments(TorchCall a, TorchCall b)
    {
        var left = a.Invocation.Arguments.Where(x => x.ArgumentKind != ArgumentKind.DefaultValue && ValueFlow.SkipConversions(x.Value) != a.Input).Select(x => x.Syntax.ToString());
        var right = b.Invocation.Arguments.Where(x => x.ArgumentKind != ArgumentKind.DefaultValue && ValueFlow.SkipConversions(x.Value) != b.Input).Select(x => x.Syntax.ToString());
        return left.SequenceEqual(right);
    }

    // The producer name of a sum of probabilities, on its way to their average.
    private const string Probabilities = "probabilities";

    private static bool IsProbabilities(Facts value) => value.Kind == ValueKind.Probability || value.ProducerName == Probabilities;

    // The other operand and the constant, where one operand is a constant.
    private static (Facts? Value, double? Constant) ConstantOperand(Facts left, Facts right) =>
        right.Constant is { } r ? (left, r) : left.Constant is { } l ? (right, l) : (null, null);

    private static double Fold(BinaryOperatorKind kind, double a, double b) => kind switch
    {
        BinaryOperatorKind.Add => a + b,
        BinaryOperatorKind.Subtract => a - b,
        BinaryOperatorKind.Multiply => a * b,
        _ => a / b,
    };

    // x + c keeps x away from 0 where c survives rounding at 0 in x's dtype; two non-negative terms stay non-negative.
    private static Facts Add(Facts left, Facts right, string? dtype)
    {
        // x + m where m is a fill of -inf (an additive attention mask): -inf wherever the fill is, whatever x is.
        // Every row keeps the entries the fill leaves, unless the other term is a -inf fill too.
        if ((RowFacts.IsNegativeInfinityFill(left) ? left : RowFacts.IsNegativeInfinityFill(right) ? right : null) is { } fill)
            return RowFacts.Scaled(fill.Derived().WithRange(double.NegativeInfinity, Inf, null), fill,
                RowFacts.IsNegativeInfinityFill(left) && RowFacts.IsNegativeInfinityFill(right) ? 0 : 1);
        var (value, constant) = ConstantOperand(left, right);
        if (value is not null && constant is { } c)
        {
            var shift = Rounding.To(value.Dtype ?? dtype, c);
            if (!value.IsKnown)
                return shift > 0 ? Facts.Unknown.WithGuard("+ " + Ops.Format(c), double.NegativeInfinity, double.PositiveInfinity) : Facts.Unknown;
            var lo = value.Lo + shift;
            var hi = value.Hi + shift;
            return shift != 0
                ? value.WithGuard("+ " + Ops.Format(c), lo, hi)
                : value.Derived();
        }
        if (left.IsKnown && right.IsKnown && left.Lo >= 0 && right.Lo >= 0)
        {
            var zero = left.ZeroCause is not null && right.ZeroCause is not null ? left.ZeroCause : null;
            // A sum of probabilities is remembered as one, so that its average ((softmax(a) + softmax(b)) / 2) is one again.
            var terms = IsProbabilities(left) && IsProbabilities(right) ? Probabilities : null;
            return Facts.Of(terms is null ? ValueKind.NonNegative : ValueKind.Bounded, left.Lo + right.Lo, left.Hi + right.Hi, zero, null, terms)
                .WithDtype(dtype);
        }
        return Facts.Unknown;
    }

    // 1 - p of a probability is 0 where p rounds to 1.
    private static Facts Subtract(Facts left, Facts right, IOperation leftOperand, IOperation operation, Session session)
    {
        // eq(x_i, x_j) - eye: a comparison of every pair of elements is 1 on its diagonal (each element with itself), so
        // taking the identity away leaves 0/1 values, 0 for an element no other one matches (no positive of a label).
        if (right.ProducerName == "eye" && left.Kind == ValueKind.Mask && IsPairwiseSelfComparison(leftOperand, session))
            return Facts.Of(ValueKind.Mask, 0, 1, "a comparison", operation, "comparison");
        // x - x.max(d): at most 0, so exp of it is at most 1 (the shift every stable softmax makes). The max is taken
        // before the subtraction, of the value the subtraction still reads.
        if (right is { ProducerName: "max", Producer: IInvocationOperation max } && new TorchCall(max).Input is { } maximised
            && ValueFlow.SameValueSince(maximised, leftOperand, session))
            return Facts.Of(ValueKind.Bounded, double.NegativeInfinity, 0, "x - max(x)", null, ShiftedByMax);
        // A heuristic the P2 rule NG1014 has always had: 1 - p of a tensor nothing else is known of reads as the
        // complement of a probability. Nothing known keeps it from 0; a clamp or an epsilon that is known does.
        if (left.Constant == 1 && !right.IsKnown)
            return Facts.Of(ValueKind.Complement, double.NegativeInfinity, double.PositiveInfinity, "1 - p");
        if (left.Constant is { } c && right.IsKnown && right.Kind != ValueKind.Constant)
        {
            if (c == 1 && right.Kind == ValueKind.Probability)
            {
                // 0 where p reaches 1 (a sigmoid above about 17 rounds to 1 in float32); not below a clamp's upper bound.
                var least = Rounding.To(right.Dtype, 1 - right.Hi);
                return ViaOf(Facts.Of(ValueKind.Complement, least, Rounding.To(right.Dtype, 1 - right.Lo), least <= 0 ? "1 - p" : null,
                    right.Exact ? right.Producer : null, right.ProducerName).WithDtype(right.Dtype), right);
            }
            var lo = Rounding.To(right.Dtype, c - right.Hi);
            var hi = Rounding.To(right.Dtype, c - right.Lo);
            // 1 - p of a value in [0, 1] (a clamped probability) is a complement: 0 where p reaches 1.
            var kind = c == 1 && right.Lo >= 0 && right.Hi <= 1 ? ValueKind.Complement : ValueKind.Bounded;
            var zero = lo <= 0 && hi >= 0 ? (kind == ValueKind.Complement ? "1 - p" : "a difference") : null;
            return right.Derived().WithKind(kind).WithRange(lo, hi, zero);
        }
        if (right.Constant is { } d && left.IsKnown)
        {
            var lo = left.Lo - d;
            var hi = left.Hi - d;
            // x - d is 0 where x is d: a difference, unless d is 0 and x keeps its own cause.
            var cause = d == 0 ? left.ZeroCause ?? "a difference" : "a difference";
            return left.Derived().WithKind(ValueKind.Bounded).WithRange(lo, hi, lo <= 0 && hi >= 0 ? cause : null);
        }
        return Facts.Unknown;
    }

    // A reflexive comparison (==, >=, <=) of a tensor's elements with each other: x.unsqueeze(0) == x.unsqueeze(1), or
    // through a cast (.to(float32)).
    private static bool IsPairwiseSelfComparison(IOperation operation, Session session)
    {
        var value = ValueFlow.Unwrap(operation, session);
        while (value is IInvocationOperation cast && cast.TargetMethod.Name is "to" or "to_type" or "type_as" or "float" or "double" or "half" or "bfloat16"
            && session.IsOp(cast.TargetMethod, cast.TargetMethod.Name) && new TorchCall(cast) is { IsInstanceForm: true, Input: { } input })
            value = ValueFlow.Unwrap(input, session);
        var (a, b) = value switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThanOrEqual } binary
                when session.IsOperator(binary.OperatorMethod) => (binary.LeftOperand, binary.RightOperand),
            IInvocationOperation { TargetMethod.Name: "eq" or "ge" or "le" or "greater_equal" or "less_equal" } invocation
                when session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name) && new TorchCall(invocation) is { Input: { } input } call =>
                (input, invocation.Arguments.FirstOrDefault(x => x.Parameter?.Ordinal == (call.IsInstanceForm ? 0 : 1))?.Value),
            _ => (null, null),
        };
        return a is not null && b is not null && PairAxis(a, session) is { } left && PairAxis(b, session) is { } right
            && left.Axis != right.Axis && ValueFlow.SameValue(left.Vector, right.Vector, session);
    }

    // x.unsqueeze(d) for d in 0, 1, -1, -2 (a vector laid along one axis of a matrix): the vector and the axis it is laid
    // along, 0 for a row (unsqueeze(0), unsqueeze(-2)) and 1 for a column (unsqueeze(1), unsqueeze(-1)).
    private static (IOperation Vector, int Axis)? PairAxis(IOperation operation, Session session) =>
        TorchPatterns.IsOp(operation, session, "unsqueeze", out var unsqueeze) && unsqueeze.Input is { } vector
            ? unsqueeze.IntegerArgument("dim") switch
            {
                0 or -2 => (vector, 0),
                1 or -1 => (vector, 1),
                _ => null,
            }
            : null;

    private static Facts ViaOf(Facts value, Facts source)
    {
        foreach (var step in source.Via)
            value = value.Through(step);
        return value;
    }

    private static Facts Multiply(Facts left, Facts right, IOperation leftOperand, IOperation rightOperand, IOperation operation, Session session)
    {
        if (ValueFlow.SameValue(leftOperand, rightOperand, session))
            return Square(left, operation);
        var (value, constant) = ConstantOperand(left, right);
        if (value is not null && constant is { } c)
        {
            if (!value.IsKnown || c == 0)
                return Facts.Unknown;
            var (lo, hi) = c > 0 ? (value.Lo * c, value.Hi * c) : (value.Hi * c, value.Lo * c);
            // A layer output scaled by a constant is one still, unbounded either way (0.5 * logvar).
            var kind = c > 0 && value.Kind is ValueKind.NonNegative or ValueKind.Count || value.Kind == ValueKind.ModelOutput ? value.Kind : ValueKind.Bounded;
            return RowFacts.Scaled(value.Derived().WithKind(kind).WithRange(lo, hi, value.ZeroCause), value, c);
        }
        if (left.ProducerName == "normalize" && right.ProducerName == "normalize")
            return Facts.Of(ValueKind.Bounded, -1, 1, null, operation, NormalizedProducts);
        if (left.ProducerName is "norm" or Norms && right.ProducerName is "norm" or Norms)
            return Facts.Of(ValueKind.NonNegative, 0, Inf, left.ZeroCause, operation, Norms);
        if (left.IsKnown && right.IsKnown && left.Lo >= 0 && right.Lo >= 0)
        {
            var kind = left.Kind == ValueKind.Probability && right.Kind == ValueKind.Probability ? ValueKind.Probability : ValueKind.NonNegative;
            var zero = left.ZeroCause ?? right.ZeroCause;
            var product = Facts.Of(kind, left.Lo * right.Lo, left.Hi * right.Hi, zero).WithDtype(left.Dtype ?? right.Dtype);
            return product;
        }
        return Facts.Unknown;
    }

    // t / c is scaled; t / t.sum(d) of non-negative t is a probability, 0 wherever t is.
    private static Facts Divide(Facts left, Facts right, IOperation leftOperand, IOperation rightOperand, IOperation operation, Session session)
    {
        if (right.Constant is { } c && c != 0 && left.IsKnown)
        {
            var (lo, hi) = c > 0 ? (left.Lo / c, left.Hi / c) : (left.Hi / c, left.Lo / c);
            var kind = IsProbabilities(left) && lo == 0 && hi == 1 ? ValueKind.Probability
                : lo >= 0 && left.Kind is ValueKind.NonNegative or ValueKind.Count or ValueKind.Probability ? ValueKind.NonNegative
                : left.Kind == ValueKind.ModelOutput ? ValueKind.ModelOutput
                : ValueKind.Bounded;
            return RowFacts.Scaled(left.Derived().WithKind(kind).WithRange(lo, hi, left.ZeroCause), left, 1 / c);
        }
        // A non-negative value over a number of at least 1 (a size): non-negative, 0 only where the value is.
        if (left.IsKnown && left.Lo >= 0 && left.Kind is ValueKind.NonNegative or ValueKind.Count or ValueKind.Probability
            && right.IsKnown && right.Lo >= 1 && right.ZeroCause is null)
            return left.Derived().WithKind(ValueKind.NonNegative).WithRange(left.Lo / right.Hi, left.Hi / right.Lo, left.ZeroCause);
        // A dot product over the product of the two norms (an epsilon added or not) is a cosine in [-1, 1].
        if (right.ProducerName == Norms)
            return Facts.Of(ValueKind.Bounded, -1, 1, null, operation, "cosine_similarity");
        // exp(x) / exp(x).sum(d): a softmax by hand, 0 where exp underflows (NG1006 owns its overflow).
        if (left.Producer is IInvocationOperation { TargetMethod.Name: "exp" } numerator
            && TorchPatterns.IsOp(rightOperand, session, "sum", out var expSum) && expSum.Input is { } summedExp
            && TorchPatterns.IsOp(summedExp, session, "exp", out var denominator)
            && new TorchCall(numerator).Input is { } x && denominator.Input is { } y && ValueFlow.SameValue(x, y, session))
            return Facts.Of(ValueKind.Probability, 0, 1, "a softmax by hand that underflows", operation, "softmax by hand");
        // t / t.sum(d) is a probability, 0 wherever t is: the sum's facts need not be known.
        if (TorchPatterns.IsOp(rightOperand, session, "sum", out var sum) && sum.Input is { } summed && ValueFlow.SameValue(summed, leftOperand, session))
            return Facts.Of(ValueKind.Probability, 0, 1, left.ZeroCause ?? "a term normalised by its sum", operation, "normalised");
        return Facts.Unknown;
    }
}

/// <summary>What a number becomes when a tensor of a dtype holds it.</summary>
internal static class Rounding
{
    /// <summary><paramref name="value"/> rounded to <paramref name="dtype"/> (null: float32).</summary>
    public static double To(string? dtype, double value) => dtype switch
    {
        "float64" => value,
        "float16" => ToHalf(value),
        "bfloat16" => ToBits(value, mantissaBits: 7, minExponent: -126, maxValue: 3.3895313892515355e38),
        _ => (float)value,
    };

    private static double ToHalf(double value) => ToBits(value, mantissaBits: 10, minExponent: -14, maxValue: 65504);

    // Round to nearest (even) with a mantissa of the given width, subnormals below the smallest normal exponent.
    private static double ToBits(double value, int mantissaBits, int minExponent, double maxValue)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
            return value;
        var magnitude = System.Math.Abs(value);
        var exponent = System.Math.Max((int)System.Math.Floor(System.Math.Log(magnitude, 2)), minExponent);
        var quantum = System.Math.Pow(2, exponent - mantissaBits);
        var rounded = System.Math.Round(magnitude / quantum, System.MidpointRounding.ToEven) * quantum;
        if (rounded > maxValue)
            rounded = double.PositiveInfinity;
        return System.Math.Sign(value) * rounded;
    }
}

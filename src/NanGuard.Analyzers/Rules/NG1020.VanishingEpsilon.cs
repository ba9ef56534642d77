using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1020: a constant written as a guard that rounding erases in the tensor's dtype (the engine's <c>Dtype</c>, float32
/// where the code shows none): <c>1 - 1e-8</c> as a clamp bound or an operand is exactly 1 in float32, <c>1e-8</c> is 0 in
/// float16. Listens to <c>+</c> and <c>-</c> with a tensor, <c>add</c>/<c>sub</c>, and the bounds of
/// <c>clamp</c>/<c>clip</c>/<c>clamp_min</c>/<c>clamp_max</c>, and the <c>eps</c> of <c>torch.optim.Adam</c>/<c>AdamW</c>
/// over parameters the engine shows are float16 (<c>model.half()</c> before the optimizer is built). The fix writes the
/// smallest power of ten that survives (1e-4 next to 0 in float16; an <c>eps:</c> argument where it was the default).
/// </summary>
public sealed class VanishingEpsilonAnalyzer : Rule<VanishingEpsilonMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.VanishingEpsilon;

    private protected override Listens Listen(Listens listens) => listens
        .TensorOperators(BinaryOperatorKind.Add, BinaryOperatorKind.Subtract)
        .Invocations("add", "sub", "clamp", "clip", "clamp_min", "clamp_max", "Adam", "AdamW");

    internal override bool IsHazard => true;

    internal override IEnumerable<VanishingEpsilonMatch> Find(IOperation anchor, Session session)
    {
        if (anchor is IBinaryOperation binary)
        {
            var (tensor, constant) = NumericPatterns.IsTensor(binary.LeftOperand, session) ? (binary.LeftOperand, binary.RightOperand)
                : NumericPatterns.IsTensor(binary.RightOperand, session) ? (binary.RightOperand, binary.LeftOperand)
                : (null, null);
            if (tensor is not null && constant is not null && MayBeErased(constant) && Erased(constant, session.Facts.Of(tensor).Dtype) is { } erased)
                yield return new VanishingEpsilonMatch(anchor, erased);
            yield break;
        }
        var invocation = (IInvocationOperation)anchor;
        var method = invocation.TargetMethod;
        if (method.Name is "Adam" or "AdamW")
        {
            if (Session.Is(method.ContainingType, session.Optim) && OptimizerEps(invocation, session) is { } optimizer)
                yield return optimizer;
            yield break;
        }
        if (!session.IsOp(method, method.Name))
            yield break;
        var call = new TorchCall(invocation);
        if (call.Input is not { } input)
            yield break;
        string? dtype = null;
        var asked = false;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter?.Name is not ({ } name) || name == "alpha"
                || argument.Parameter.Type.Name != "Scalar" || !MayBeErased(argument.Value))
                continue;
            if (!asked)
            {
                dtype = session.Facts.Of(input).Dtype;
                asked = true;
            }
            if (Erased(argument.Value, dtype) is { } erased)
                yield return new VanishingEpsilonMatch(anchor, erased);
        }
    }

    // torch.optim.Adam/AdamW over parameters the code converts to float16 (model.half() before the optimizer is built),
    // with an eps (the default 1e-8, or one written) that rounds to 0 in float16: the update's denominator
    // sqrt(v) + eps is 0 where the second moment is, and the step is NaN (0 / 0) or inf.
    private static VanishingEpsilonMatch? OptimizerEps(IInvocationOperation optimizer, Session session)
    {
        var parameters = optimizer.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0);
        var eps = optimizer.Arguments.FirstOrDefault(a => a.Parameter?.Name == "eps");
        if (parameters is null || eps?.Parameter is null || session.Facts.Of(parameters.Value).Dtype is not "float16")
            return null;
        const string dtype = "float16";
        var isDefault = eps.ArgumentKind == ArgumentKind.DefaultValue;
        var value = isDefault
            ? eps.Parameter.HasExplicitDefaultValue && eps.Parameter.ExplicitDefaultValue is double declared ? declared : (double?)null
            : NumericPatterns.Constant(eps.Value);
        if (value is not { } epsilon || epsilon <= 0 || Rounding.To(dtype, epsilon) != 0)
            return null;
        var written = isDefault ? (IOperation)optimizer : ValueFlow.SkipConversions(eps.Value);
        var erased = new ErasedEpsilon(written, written, "0", 0, dtype, 0, 1, isDefault ? NanGuardOptions.ToLiteral(epsilon) : null);
        return new VanishingEpsilonMatch(optimizer, erased, optimizer.TargetMethod.Name, isDefault);
    }

    internal override object?[] MessageArguments(VanishingEpsilonMatch match, Session session)
    {
        var erased = match.Erased;
        if (match.Optimizer is { } optimizer)
        {
            return new object?[]
            {
                optimizer + (match.AddsEps ? "'s default eps (" + erased.Epsilon + ")" : "'s eps " + erased.Epsilon), Ops.Format(erased.Rounded),
                erased.Dtype + " (the dtype of the parameters it updates)", erased.Epsilon, erased.ScaleText, "eps: " + match.Replacement,
            };
        }
        return new object?[]
        {
            match.Reported.Syntax.ToString(), Ops.Format(erased.Rounded), erased.Dtype ?? "float32", erased.Epsilon, erased.ScaleText,
            match.Replacement,
        };
    }

    // The constant operand whose epsilon rounding erases in dtype, or null.
    // Whether a constant vanishes in any floating dtype: only then is the tensor's dtype worth asking the engine.
    private static bool MayBeErased(IOperation operand) =>
        NumericPatterns.Constant(operand) is not null
        && (Erased(operand, "float16") ?? Erased(operand, "bfloat16") ?? Erased(operand, null) ?? Erased(operand, "float64")) is not null;

    private static ErasedEpsilon? Erased(IOperation operand, string? dtype)
    {
        if (NumericPatterns.Constant(operand) is not { } value)
            return null;
        var written = ValueFlow.SkipConversions(operand);
        var rounded = Rounding.To(dtype, value);
        // a + b of two constants: the smaller term vanishes where the sum rounds to the larger one.
        if (written is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } sum
            && NumericPatterns.Constant(sum.LeftOperand) is { } a && NumericPatterns.Constant(sum.RightOperand) is { } b && a != 0 && b != 0)
        {
            var (scale, epsilon) = System.Math.Abs(a) >= System.Math.Abs(b) ? (a, sum.RightOperand) : (b, sum.LeftOperand);
            if (rounded == Rounding.To(dtype, scale))
                return new ErasedEpsilon(written, epsilon, Ops.Format(scale), rounded, dtype, scale,
                    System.Math.Sign(NumericPatterns.Constant(epsilon)!.Value) * (sum.OperatorKind == BinaryOperatorKind.Subtract && epsilon == sum.RightOperand ? -1 : 1));
            return null;
        }
        if (value != 0 && rounded == 0)
            return new ErasedEpsilon(written, written, "0", rounded, dtype, 0, System.Math.Sign(value));
        if (System.Math.Abs(value) != 1 && System.Math.Abs(rounded) == 1)
            return new ErasedEpsilon(written, written, Ops.Format(rounded), rounded, dtype, rounded, System.Math.Sign(value - rounded));
        return null;
    }
}

/// <summary>A constant whose epsilon vanishes: the constant, the epsilon's own expression, the scale it vanished next to.</summary>
internal sealed class ErasedEpsilon
{
    public ErasedEpsilon(IOperation constant, IOperation epsilonOperand, string scaleText, double rounded, string? dtype, double scale, int direction,
        string? unwritten = null)
    {
        Direction = direction;
        Constant = constant;
        EpsilonOperand = ValueFlow.SkipConversions(epsilonOperand);
        Epsilon = unwritten ?? EpsilonOperand.Syntax.ToString();
        ScaleText = scaleText;
        Rounded = rounded;
        Dtype = dtype;
        Scale = scale;
    }

    public IOperation Constant { get; }

    /// <summary>The epsilon as written: the smaller term of <c>a - b</c>, or the whole constant (an optimizer's call where
    /// its eps is the default, which <see cref="Epsilon"/> then gives).</summary>
    public IOperation EpsilonOperand { get; }

    public string Epsilon { get; }
    public string ScaleText { get; }
    public double Rounded { get; }
    public string? Dtype { get; }

    /// <summary>+1 where the epsilon was meant to move the constant above the scale, -1 below.</summary>
    public int Direction { get; }

    /// <summary>The value next to which the epsilon vanished: 0, +-1, or the larger term.</summary>
    public double Scale { get; }
}

/// <summary>NG1020's finding: the constant, where rounding puts it, and the epsilon the fix writes instead.</summary>
public sealed class VanishingEpsilonMatch : Match
{
    internal VanishingEpsilonMatch(IOperation anchor, ErasedEpsilon erased, string? optimizer = null, bool addsEps = false)
        : base(anchor)
    {
        Erased = erased;
        Optimizer = optimizer;
        AddsEps = addsEps;
        // The side of the scale the epsilon was meant to move the constant to.
        var sign = erased.Direction;
        // Next to 0 in float16, 1e-4: above float16's smallest normal (6.1e-5), and its reciprocal (1e4) below float16's
        // largest value (65504). Next to a nonzero scale, the smallest power of ten that survives rounding there: 1e-7
        // next to 1 in float32, 1e-3 in float16, 1e-2 in bfloat16.
        NewEpsilon = erased.Scale == 0 ? (erased.Dtype == "float16" ? 1e-4 : 1e-8) : Survivor(erased.Scale, sign, erased.Dtype);
        var isFloat = erased.EpsilonOperand.Type?.SpecialType == SpecialType.System_Single;
        var literal = "1e" + ((int)System.Math.Round(System.Math.Log10(NewEpsilon))).ToString(System.Globalization.CultureInfo.InvariantCulture)
            + (isFloat ? "f" : "");
        // The epsilon term of a - b is replaced by the new literal; a whole constant (1e-8, 0.99999999) by the scale
        // and the literal.
        Replacement = erased.EpsilonOperand != erased.Constant ? literal
            : erased.Scale == 0 ? (sign < 0 ? "-" : "") + literal
            : NanGuardOptions.ToLiteral(erased.Scale) + (isFloat ? "f" : "") + (sign < 0 ? " - " : " + ") + literal;
    }

    internal ErasedEpsilon Erased { get; }

    /// <summary>The optimizer (Adam, AdamW) whose eps is erased in its parameters' dtype; null for a guard in arithmetic.</summary>
    internal string? Optimizer { get; }

    /// <summary>True where the optimizer's eps is its default: the fix writes an eps argument rather than replacing one.</summary>
    internal bool AddsEps { get; }

    internal override IOperation Reported => Erased.Constant;

    /// <summary>The epsilon the fix writes.</summary>
    internal double NewEpsilon { get; }

    /// <summary>What the fix writes in place of <see cref="ErasedEpsilon.EpsilonOperand"/>.</summary>
    internal string Replacement { get; }

    private static double Survivor(double scale, int sign, string? dtype)
    {
        for (var exponent = -20; exponent < 0; exponent++)
        {
            var epsilon = System.Math.Pow(10, exponent);
            if (Rounding.To(dtype, scale + sign * epsilon) != Rounding.To(dtype, scale))
                return epsilon;
        }
        return 0.1;
    }
}

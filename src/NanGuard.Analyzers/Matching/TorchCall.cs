using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NanGuard.Analyzers.Matching;

/// <summary>
/// A TorchSharp call read the same way whichever form the user wrote: the tensor it operates on is the receiver of
/// the instance form (<c>x.softmax(1)</c>) and the first argument of the static form (<c>F.softmax(x, 1)</c>).
/// </summary>
internal readonly struct TorchCall
{
    public TorchCall(IInvocationOperation invocation) => Invocation = invocation;

    public IInvocationOperation Invocation { get; }

    public IMethodSymbol Method => Invocation.TargetMethod;

    /// <summary>True for <c>x.op(...)</c>, false for <c>torch.op(x, ...)</c>.</summary>
    public bool IsInstanceForm => Invocation.Instance is not null;

    /// <summary>The tensor operand as written (conversions skipped), or null for a call with no tensor operand.</summary>
    public IOperation? Input =>
        Invocation.Instance is { } instance ? ValueFlow.SkipConversions(instance) : FirstParameterArgument();

    /// <summary>The argument bound to <paramref name="parameterName"/>, if the user passed one (not a default).</summary>
    public IArgumentOperation? Argument(string parameterName)
    {
        foreach (var argument in Invocation.Arguments)
        {
            if (argument.Parameter?.Name == parameterName && argument.ArgumentKind != ArgumentKind.DefaultValue)
                return argument;
        }
        return null;
    }

    /// <summary>True when the user passed an argument for <paramref name="parameterName"/>.</summary>
    public bool Has(string parameterName) => Argument(parameterName) is not null;

    /// <summary>The constant integer passed for <paramref name="parameterName"/>, if it is one.</summary>
    public long? IntegerArgument(string parameterName) =>
        Argument(parameterName)?.Value.ConstantValue is { HasValue: true, Value: { } value } && IsInteger(value)
            ? System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>
    /// The constant number passed for <paramref name="parameterName"/>, if it is one, at the value the user wrote: a
    /// float is read through its shortest round-trip text, so <c>0.01f</c> is 0.01 (its float value widened to a double
    /// would be 0.0099999998).
    /// </summary>
    public double? NumberArgument(string parameterName) =>
        Argument(parameterName)?.Value is { } value ? Number(value) : null;

    /// <summary>
    /// A constant expression's value as a double, as written: through the implicit conversion to the parameter's type
    /// (whose constant is <c>0.01f</c> widened, 0.0099999998), a float at its shortest round-trip decimal; null for a
    /// value that is not a constant number.
    /// </summary>
    public static double? Number(IOperation value) =>
        ValueFlow.SkipConversions(value).ConstantValue is { HasValue: true, Value: { } written } && Number(written) is { } number ? number
        : value.ConstantValue is { HasValue: true, Value: { } converted } ? Number(converted)
        : null;

    private static double? Number(object value) => value switch
    {
        float single => double.Parse(single.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture),
        double or decimal => System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        _ when IsInteger(value) => System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Number of arguments the user wrote (defaults the compiler filled in are not counted).</summary>
    public int ExplicitArgumentCount
    {
        get
        {
            var count = 0;
            foreach (var argument in Invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                    count++;
            }
            return count;
        }
    }

    private IArgumentOperation? ArgumentAt(int ordinal)
    {
        foreach (var argument in Invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
                return argument;
        }
        return null;
    }

    private IOperation? FirstParameterArgument() =>
        ArgumentAt(0) is { ArgumentKind: not ArgumentKind.DefaultValue } first ? ValueFlow.SkipConversions(first.Value) : null;

    private static bool IsInteger(object value) => value is int or long or short or byte or sbyte or uint or ushort or ulong;
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>The arithmetic patterns the numerics rules NG1009..NG1015 share, each named for what it matches.</summary>
internal static class NumericPatterns
{

    /// <summary><c>x * x</c>, <c>x.pow(2)</c>, <c>torch.pow(x, 2)</c>: the square of <paramref name="x"/>.</summary>
    public static bool IsSquare(IOperation operation, TorchSymbols symbols, out IOperation x)
    {
        x = null!;
        var value = ValueFlow.Peek(operation);
        if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product
            && symbols.IsOperator(product.OperatorMethod)
            && ValueFlow.Confirms(operation, product)
            && ValueFlow.SameValue(product.LeftOperand, product.RightOperand))
        {
            x = ValueFlow.SkipConversions(product.LeftOperand);
            return true;
        }
        if (value is IInvocationOperation invocation && symbols.IsOp(invocation.TargetMethod, "pow")
            && ValueFlow.Confirms(operation, invocation))
        {
            var pow = new TorchCall(invocation);
            if (pow.Input is { } input && Constant(pow.Argument("exponent")) == 2)
            {
                x = input;
                return true;
            }
        }
        return false;
    }

    /// <summary><c>(x * x).sum(d)</c>, <c>x.pow(2).sum()</c>, <c>torch.sum(x * x, d)</c> and the like.</summary>
    public static bool IsSumOfSquares(IOperation operation, TorchSymbols symbols, out TorchCall sum, out IOperation x)
    {
        x = null!;
        return TorchPatterns.IsOp(operation, symbols, "sum", out sum)
            && sum.Input is { } input
            && IsSquare(input, symbols, out x);
    }

    /// <summary>The constant number an argument holds (a <c>Scalar</c> conversion seen through), or null.</summary>
    public static double? Constant(IArgumentOperation? argument) => argument is null ? null : Constant(argument.Value);

    /// <summary>The constant number an operation holds, conversions seen through, or null.</summary>
    public static double? Constant(IOperation operation)
    {
        var value = ValueFlow.SkipConversions(operation);
        return value.ConstantValue is { HasValue: true, Value: { } constant } && constant is int or long or double or float or short or byte
            ? System.Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>True where the operation's type is a tensor.</summary>
    public static bool IsTensor(IOperation operation, TorchSymbols symbols) =>
        symbols.IsTensor(ValueFlow.SkipConversions(operation).Type);

    /// <summary>
    /// A log NG1001 or NG1003 already reports (the log of a softmax, of a sigmoid, of <c>1 - sigmoid</c>): their fixes
    /// remove the -inf, so the rules that look at logs leave these to them.
    /// </summary>
    public static bool IsLogCoveredElsewhere(TorchCall log, TorchSymbols symbols)
    {
        if (log.Input is not { } input)
            return false;
        if (TorchPatterns.IsOp(input, symbols, "softmax", out _) || TorchPatterns.IsOp(input, symbols, "sigmoid", out _))
            return true;
        return ValueFlow.Peek(input) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference
            && symbols.IsOperator(difference.OperatorMethod)
            && Constant(difference.LeftOperand) == 1
            && ValueFlow.Confirms(input, difference)
            && TorchPatterns.IsOp(difference.RightOperand, symbols, "sigmoid", out _);
    }

    /// <summary>The factors of <c>y * log(p)</c> (either way round), with the log call.</summary>
    public static bool IsTimesLog(IBinaryOperation product, TorchSymbols symbols, out IOperation factor, out TorchCall log)
    {
        factor = null!;
        if (product.OperatorKind != BinaryOperatorKind.Multiply)
        {
            log = default;
            return false;
        }
        if (TorchPatterns.IsOp(product.RightOperand, symbols, "log", out log))
        {
            factor = ValueFlow.SkipConversions(product.LeftOperand);
            return true;
        }
        if (TorchPatterns.IsOp(product.LeftOperand, symbols, "log", out log))
        {
            factor = ValueFlow.SkipConversions(product.RightOperand);
            return true;
        }
        return false;
    }

    /// <summary>A probability normalised by hand: <c>t / t.sum(d, keepdim: true)</c> or <c>t / t.sum()</c>; 0 wherever t is.</summary>
    public static bool IsNormalizedByItsSum(IOperation operation, TorchSymbols symbols) =>
        ValueFlow.Peek(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient
        && symbols.IsOperator(quotient.OperatorMethod)
        && ValueFlow.Confirms(operation, quotient)
        && TorchPatterns.IsOp(quotient.RightOperand, symbols, "sum", out var sum)
        && sum.Input is { } summed
        && ValueFlow.SameValue(summed, quotient.LeftOperand);

    /// <summary>NG1009's pattern: an entropy term <c>p * log(p)</c>, or <c>y * log(p)</c> with p a probability normalised by hand.</summary>
    public static bool IsXLogY(IBinaryOperation product, TorchSymbols symbols, out IOperation factor, out TorchCall log)
    {
        if (!symbols.IsOperator(product.OperatorMethod)
            || !IsTimesLog(product, symbols, out factor, out log)
            || log.Input is not { } input
            || !IsTensor(factor, symbols)
            || IsLogCoveredElsewhere(log, symbols))
        {
            factor = null!;
            log = default;
            return false;
        }
        return ValueFlow.SameValue(factor, input) || IsNormalizedByItsSum(input, symbols);
    }

    /// <summary>NG1010's pattern: <c>sqrt</c> or <c>pow(0.5)</c> of a sum of squares.</summary>
    public static bool IsSqrtOfSumOfSquares(TorchCall root, TorchSymbols symbols, out TorchCall sum, out IOperation x)
    {
        sum = default;
        x = null!;
        var isRoot = symbols.IsOp(root.Method, "sqrt")
            || symbols.IsOp(root.Method, "pow") && Constant(root.Argument("exponent")) == 0.5;
        return isRoot && root.Input is { } input && IsSumOfSquares(input, symbols, out sum, out x);
    }

    /// <summary>
    /// A value already kept away from the unsafe point: a where, a clamp, or a sum with a positive constant
    /// (<c>x + eps</c>).
    /// </summary>
    public static bool IsGuarded(IOperation operation, TorchSymbols symbols)
    {
        var value = ValueFlow.Peek(operation);
        if (value is IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            return (symbols.IsOp(method, "where") || symbols.IsOp(method, "clamp") || symbols.IsOp(method, "clamp_min")
                    || symbols.IsOp(method, "clip") || symbols.IsOp(method, "clamp_max") || symbols.IsOp(method, "nan_to_num"))
                && ValueFlow.Confirms(operation, invocation);
        }
        return value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum
            && (Constant(sum.RightOperand) > 0 || Constant(sum.LeftOperand) > 0)
            && ValueFlow.Confirms(operation, sum);
    }

    /// <summary>
    /// NG1015's unsafe branch: an unguarded <c>log(x)</c> (the unsafe input is x), or a tensor division <c>a / b</c>
    /// (the unsafe input is b).
    /// </summary>
    public static bool IsUnsafeBranch(IOperation branch, TorchSymbols symbols, out IOperation unsafeInput, out string op)
    {
        var value = ValueFlow.Peek(branch);
        unsafeInput = null!;
        op = "";
        if (value is IInvocationOperation invocation && symbols.IsOp(invocation.TargetMethod, "log")
            && ValueFlow.Confirms(branch, invocation)
            && new TorchCall(invocation).Input is { } x && !IsGuarded(x, symbols))
        {
            unsafeInput = x;
            op = "log";
            return true;
        }
        if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient
            && symbols.IsOperator(quotient.OperatorMethod)
            && ValueFlow.Confirms(branch, quotient)
            && IsTensor(quotient.RightOperand, symbols)
            && !IsGuarded(quotient.RightOperand, symbols))
        {
            unsafeInput = ValueFlow.SkipConversions(quotient.RightOperand);
            op = "a division";
            return true;
        }
        return false;
    }

    /// <summary>The condition and the two branches of <c>torch.where(c, x, y)</c> or <c>x.where(c, y)</c>.</summary>
    public static bool IsWhere(TorchCall call, TorchSymbols symbols, out IOperation condition, out IOperation whenTrue, out IOperation whenFalse)
    {
        condition = whenTrue = whenFalse = null!;
        if (!symbols.IsOp(call.Method, "where") || call.Argument("condition") is not { } c || call.Argument("y") is not { } y)
            return false;
        condition = ValueFlow.SkipConversions(c.Value);
        whenFalse = ValueFlow.SkipConversions(y.Value);
        if (call.Invocation.Instance is { } instance)
            whenTrue = ValueFlow.SkipConversions(instance);
        else if (call.Argument("x") is { } x)
            whenTrue = ValueFlow.SkipConversions(x.Value);
        else
            return false;
        return true;
    }

    /// <summary>
    /// Terms whose sum can be exactly 0, named for a message: a comparison (<c>x > 0</c>, <c>x.eq(y)</c>, converted with
    /// <c>to_type</c> or not) or a tensor named as a mask (<c>mask</c>, <c>padMask</c>) count something
    /// (<paramref name="isCount"/>); a relu and an abs are only non-negative. Null for anything else.
    /// </summary>
    public static string? ZeroableTerms(IOperation operation, TorchSymbols symbols, out bool isCount)
    {
        isCount = true;
        if (IsComparison(operation, symbols))
            return "a comparison";
        if (IsNamedMask(operation, symbols))
            return "a mask";
        isCount = false;
        if (TorchPatterns.IsOp(operation, symbols, "relu", out _))
            return "a relu";
        if (TorchPatterns.IsOp(operation, symbols, "abs", out _))
            return "an abs";
        return null;
    }

    /// <summary>A boolean tensor from a comparison: a TorchSharp comparison operator or method, or its dtype conversion.</summary>
    public static bool IsComparison(IOperation operation, TorchSymbols symbols)
    {
        var value = ValueFlow.Peek(operation);
        if (value is IBinaryOperation binary && symbols.IsOperator(binary.OperatorMethod))
        {
            return binary.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals
                    or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                    or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                && ValueFlow.Confirms(operation, binary);
        }
        if (value is not IInvocationOperation invocation)
            return false;
        var call = new TorchCall(invocation);
        foreach (var name in ComparisonMethods)
        {
            if (symbols.IsOp(call.Method, name))
                return ValueFlow.Confirms(operation, invocation);
        }
        return IsDtypeConversion(call, symbols) && call.Input is { } converted
            && ValueFlow.Confirms(operation, invocation) && IsComparison(converted, symbols);
    }

    private static readonly string[] ComparisonMethods = { "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite", "isposinf", "isneginf" };

    private static bool IsDtypeConversion(TorchCall call, TorchSymbols symbols) =>
        call.IsInstanceForm && (symbols.IsOp(call.Method, "to_type") || symbols.IsOp(call.Method, "type_as") || symbols.IsOp(call.Method, "to"));

    // A heuristic of the P2 rules: a tensor local, parameter or field whose name says it is a mask (0/1 values).
    private static bool IsNamedMask(IOperation operation, TorchSymbols symbols)
    {
        var value = ValueFlow.SkipConversions(operation);
        if (value is IInvocationOperation invocation && IsDtypeConversion(new TorchCall(invocation), symbols)
            && new TorchCall(invocation).Input is { } converted)
            value = ValueFlow.SkipConversions(converted);
        var name = value switch
        {
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            IFieldReferenceOperation field => field.Field.Name,
            IPropertyReferenceOperation property => property.Property.Name,
            _ => null,
        };
        return name is not null
            && name.IndexOf("mask", System.StringComparison.OrdinalIgnoreCase) >= 0
            && IsTensor(value, symbols);
    }
}

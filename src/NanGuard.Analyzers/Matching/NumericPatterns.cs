using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>The arithmetic patterns the numerics rules NG1009..NG1015 share, each named for what it matches.</summary>
internal static class NumericPatterns
{

    /// <summary><c>x * x</c>, <c>x.pow(2)</c>, <c>torch.pow(x, 2)</c>, <c>torch.square(x)</c>: the square of <paramref name="x"/>.</summary>
    public static bool IsSquare(IOperation operation, Session session, out IOperation x)
    {
        x = null!;
        var value = ValueFlow.Peek(operation);
        if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product
            && session.IsOperator(product.OperatorMethod)
            && ValueFlow.Confirms(operation, product, session)
            && ValueFlow.SameValue(product.LeftOperand, product.RightOperand, session))
        {
            x = ValueFlow.SkipConversions(product.LeftOperand);
            return true;
        }
        if (value is IInvocationOperation invocation && session.IsOp(invocation.TargetMethod, "pow")
            && ValueFlow.Confirms(operation, invocation, session))
        {
            var pow = new TorchCall(invocation);
            if (pow.Input is { } input && Constant(pow.Argument("exponent")) == 2)
            {
                x = input;
                return true;
            }
        }
        if (value is IInvocationOperation square && session.IsOp(square.TargetMethod, "square")
            && ValueFlow.Confirms(operation, square, session) && new TorchCall(square).Input is { } squared)
        {
            x = squared;
            return true;
        }
        return false;
    }

    /// <summary><c>(x * x).sum(d)</c>, <c>x.pow(2).sum()</c>, <c>torch.sum(x * x, d)</c> and the like.</summary>
    public static bool IsSumOfSquares(IOperation operation, Session session, out TorchCall sum, out IOperation x)
    {
        x = null!;
        return TorchPatterns.IsOp(operation, session, "sum", out sum)
            && sum.Input is { } input
            && IsSquare(input, session, out x);
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
    public static bool IsTensor(IOperation operation, Session session) =>
        session.IsTensor(ValueFlow.SkipConversions(operation).Type);

    /// <summary>The factors of <c>y * log(p)</c> (either way round), with the log call.</summary>
    public static bool IsTimesLog(IBinaryOperation product, Session session, out IOperation factor, out TorchCall log)
    {
        factor = null!;
        if (product.OperatorKind != BinaryOperatorKind.Multiply)
        {
            log = default;
            return false;
        }
        if (TorchPatterns.IsOp(product.RightOperand, session, "log", out log))
        {
            factor = ValueFlow.SkipConversions(product.LeftOperand);
            return true;
        }
        if (TorchPatterns.IsOp(product.LeftOperand, session, "log", out log))
        {
            factor = ValueFlow.SkipConversions(product.RightOperand);
            return true;
        }
        return false;
    }

    /// <summary>
    /// NG1009's pattern: an entropy term <c>p * log(p)</c>, or <c>y * log(p)</c> with p a probability normalised by hand
    /// or returned as one by a method of the user's own.
    /// </summary>
    public static bool IsXLogY(IBinaryOperation product, Session session, out IOperation factor, out TorchCall log)
    {
        if (!session.IsOperator(product.OperatorMethod)
            || !IsTimesLog(product, session, out factor, out log)
            || log.Input is not { } input
            || !IsTensor(factor, session))
        {
            factor = null!;
            log = default;
            return false;
        }
        return ValueFlow.SameValue(factor, input, session) || IsZeroableProbability(input, session);
    }

    // A probability the engine knows can be 0 (normalised by hand, returned by a method, a module's output), not
    // clamped or shifted away from it.
    private static bool IsZeroableProbability(IOperation operation, Session session) =>
        session.Facts.Of(operation) is { Kind: Numerics.ValueKind.Probability, CanBeZero: true };

    /// <summary>NG1010's pattern: <c>sqrt</c> or <c>pow(0.5)</c> of a sum of squares.</summary>
    public static bool IsSqrtOfSumOfSquares(TorchCall root, Session session, out TorchCall sum, out IOperation x)
    {
        sum = default;
        x = null!;
        var isRoot = session.IsOp(root.Method, "sqrt")
            || session.IsOp(root.Method, "pow") && Constant(root.Argument("exponent")) == 0.5;
        return isRoot && root.Input is { } input && IsSumOfSquares(input, session, out sum, out x);
    }

    // A value already kept away from the unsafe point: the engine knows a clamp, a where (the double-where idiom),
    // nan_to_num or a positive constant added to it.
    private static bool IsGuarded(IOperation operation, Session session) => session.Facts.Of(operation).Guard is not null;

    /// <summary>
    /// NG1015's unsafe branch: an unguarded <c>log(x)</c> (the unsafe input is x), or a tensor division <c>a / b</c>
    /// (the unsafe input is b).
    /// </summary>
    public static bool IsUnsafeBranch(IOperation branch, IOperation condition, Session session, out IOperation unsafeInput, out string op)
    {
        var value = ValueFlow.Peek(branch);
        unsafeInput = null!;
        op = "";
        if (value is IInvocationOperation invocation && Numerics.Ops.IsLogarithm(invocation.TargetMethod, session)
            && ValueFlow.Confirms(branch, invocation, session)
            && new TorchCall(invocation).Input is { } x && !IsGuarded(x, session))
        {
            unsafeInput = x;
            op = invocation.TargetMethod.Name;
            return true;
        }
        // exp overflows to inf above about 88.7 (float32) where a condition on its own exponent (a <= 0 ? exp(a) : ...)
        // discards it: the where exists because exp is unsafe there. A where on anything else is no such sign.
        if (value is IInvocationOperation exp && session.IsOp(exp.TargetMethod, "exp")
            && ValueFlow.Confirms(branch, exp, session)
            && new TorchCall(exp).Input is { } exponent && !IsGuarded(exponent, session) && Numerics.Ops.CanOverflowExp(session.Facts.Of(exponent))
            && Compares(condition, exponent, session))
        {
            unsafeInput = exponent;
            op = "exp";
            return true;
        }
        if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient
            && session.IsOperator(quotient.OperatorMethod)
            && ValueFlow.Confirms(branch, quotient, session)
            && IsTensor(quotient.RightOperand, session)
            && !IsGuarded(quotient.RightOperand, session))
        {
            unsafeInput = ValueFlow.SkipConversions(quotient.RightOperand);
            op = "a division";
            return true;
        }
        return false;
    }

    // A comparison one of whose sides is the value: a <= 0, a.le(0).
    private static bool Compares(IOperation condition, IOperation value, Session session)
    {
        var compared = ValueFlow.Unwrap(condition, session);
        if (compared is IBinaryOperation binary && session.IsOperator(binary.OperatorMethod))
            return ValueFlow.SameValue(binary.LeftOperand, value, session) || ValueFlow.SameValue(binary.RightOperand, value, session);
        return compared is IInvocationOperation call && call.TargetMethod.Name is "lt" or "le" or "gt" or "ge"
            && new TorchCall(call).Input is { } input && ValueFlow.SameValue(input, value, session);
    }

    /// <summary>The condition and the two branches of <c>torch.where(c, x, y)</c> or <c>x.where(c, y)</c>.</summary>
    public static bool IsWhere(TorchCall call, Session session, out IOperation condition, out IOperation whenTrue, out IOperation whenFalse)
    {
        condition = whenTrue = whenFalse = null!;
        if (!session.IsOp(call.Method, "where") || call.Argument("condition") is not { } c || call.Argument("y") is not { } y)
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
}

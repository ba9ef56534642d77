using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>
/// The exp/log/sigmoid patterns the overflow rules (NG1003 to NG1008) share, each named for what it matches.
/// Every operand is seen through conversions, parentheses and locals assigned once.
/// </summary>
internal static class ExpLogPatterns
{
    /// <summary>
    /// <c>log(sigmoid(x))</c> (<paramref name="complement"/> false) or <c>log(1 - sigmoid(x))</c> (true), in any form.
    /// </summary>
    public static bool IsLogOfSigmoid(TorchCall log, Session session, out TorchCall sigmoid, out bool complement)
    {
        sigmoid = default;
        complement = false;
        if (!session.IsOp(log.Method, "log") || log.Input is not { } input)
            return false;
        if (TorchPatterns.IsOp(input, session, "sigmoid", out sigmoid))
            return true;
        if (IsOneMinus(input, session, out var operand) && TorchPatterns.IsOp(operand, session, "sigmoid", out sigmoid))
        {
            complement = true;
            return true;
        }
        return false;
    }

    /// <summary><c>log(exp(x).sum(...))</c> in any form: the sum and the exp it sums.</summary>
    public static bool IsLogOfSumOfExp(TorchCall log, Session session, out TorchCall sum, out TorchCall exp)
    {
        exp = default;
        sum = default;
        return session.IsOp(log.Method, "log")
            && log.Input is { } input
            && TorchPatterns.IsOp(input, session, "sum", out sum)
            && sum.Input is { } summed
            && TorchPatterns.IsOp(summed, session, "exp", out exp);
    }

    /// <summary><c>log(1 + exp(x))</c> (either order of the sum): the exp.</summary>
    public static bool IsLogOfOnePlusExp(TorchCall log, Session session, out TorchCall exp)
    {
        exp = default;
        return IsLogOfOnePlus(log, session, out var addend)
            && TorchPatterns.IsOp(addend, session, "exp", out exp);
    }

    /// <summary><c>log(1 + x)</c> (either order of the sum): the addend <c>x</c> as written.</summary>
    public static bool IsLogOfOnePlus(TorchCall log, Session session, out IOperation addend)
    {
        addend = null!;
        return session.IsOp(log.Method, "log")
            && log.Input is { } input
            && IsOnePlus(input, session, out addend);
    }

    /// <summary><c>exp(x) - 1</c>: the exp.</summary>
    public static bool IsExpMinusOne(IBinaryOperation subtraction, Session session, out TorchCall exp)
    {
        exp = default;
        return subtraction.OperatorKind == BinaryOperatorKind.Subtract
            && session.IsOperator(subtraction.OperatorMethod)
            && IsConstantOne(subtraction.RightOperand)
            && TorchPatterns.IsOp(subtraction.LeftOperand, session, "exp", out exp);
    }

    /// <summary>
    /// <c>exp(x) / exp(x).sum(d, keepdim: true)</c>: the numerator's exp and the sum (the same exp through a local counts).
    /// </summary>
    public static bool IsHandWrittenSoftmax(IBinaryOperation division, Session session, out TorchCall exp, out TorchCall sum)
    {
        exp = default;
        sum = default;
        return division.OperatorKind == BinaryOperatorKind.Divide
            && session.IsOperator(division.OperatorMethod)
            && TorchPatterns.IsOp(division.LeftOperand, session, "exp", out exp)
            && TorchPatterns.IsOp(Broadcast(division.RightOperand, session), session, "sum", out sum)
            && sum.Has("dim")
            && sum.Argument("keepdim")?.Value.ConstantValue is { HasValue: true, Value: true }
            && sum.Input is { } summed
            && TorchPatterns.IsOp(summed, session, "exp", out var summedExp)
            && exp.Input is { } x
            && summedExp.Input is { } summedX
            && (ValueFlow.SameValue(x, summedX, session) || IsClampOf(x, summedX, session));
    }

    // The sum tiled back to the numerator's shape (repeat, expand, expand_as) is the same denominator.
    private static IOperation Broadcast(IOperation denominator, Session session)
    {
        foreach (var name in new[] { "repeat", "expand", "expand_as" })
        {
            if (TorchPatterns.IsOp(denominator, session, name, out var tiled) && tiled.Input is { } tiledInput)
                return tiledInput;
        }
        return denominator;
    }

    // A numerator clamped where the denominator is not: the denominator still overflows.
    private static bool IsClampOf(IOperation clamped, IOperation x, Session session) =>
        (TorchPatterns.IsOp(clamped, session, "clamp", out var clamp) || TorchPatterns.IsOp(clamped, session, "clip", out clamp))
        && clamp.Input is { } input && ValueFlow.SameValue(input, x, session);

    /// <summary><c>1 - x</c> on a tensor: the operand <c>x</c> as written.</summary>
    public static bool IsOneMinus(IOperation operation, Session session, out IOperation operand)
    {
        operand = null!;
        if (TorchPatterns.IsTensorOperator(operation, session, BinaryOperatorKind.Subtract, out var binary) && IsConstantOne(binary.LeftOperand))
        {
            operand = ValueFlow.SkipConversions(binary.RightOperand);
            return true;
        }
        return false;
    }

    /// <summary><c>1 + x</c>, <c>x + 1</c>, <c>x.add(1)</c> or <c>torch.add(x, 1)</c> on a tensor: the other addend as written.</summary>
    public static bool IsOnePlus(IOperation operation, Session session, out IOperation addend)
    {
        addend = null!;
        if (TorchPatterns.IsOp(operation, session, "add", out var add))
        {
            var other = add.Invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == (add.IsInstanceForm ? 0 : 1));
            if (add.Input is { } input && other is not null && IsConstantOne(other.Value) && !add.Has("alpha"))
                addend = input;
            return addend is not null;
        }
        if (!TorchPatterns.IsTensorOperator(operation, session, BinaryOperatorKind.Add, out var binary))
            return false;
        if (IsConstantOne(binary.LeftOperand))
            addend = ValueFlow.SkipConversions(binary.RightOperand);
        else if (IsConstantOne(binary.RightOperand))
            addend = ValueFlow.SkipConversions(binary.LeftOperand);
        return addend is not null;
    }

    /// <summary>The numeric constant 1 of any type (<c>1</c>, <c>1.0</c>, <c>1f</c>), through conversions.</summary>
    public static bool IsConstantOne(IOperation operation)
    {
        var value = ValueFlow.SkipConversions(operation).ConstantValue;
        if (!value.HasValue || value.Value is null or bool or string or char)
            return false;
        try
        {
            return System.Convert.ToDouble(value.Value, System.Globalization.CultureInfo.InvariantCulture) == 1.0;
        }
        catch (System.InvalidCastException)
        {
            return false;
        }
    }
}

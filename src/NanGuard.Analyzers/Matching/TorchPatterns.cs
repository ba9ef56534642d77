using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>The log-probabilities of a softmax: <c>log(softmax(x, d))</c> or <c>log_softmax(x, d)</c>.</summary>
internal readonly struct LogProbabilities(TorchCall call, TorchCall softmax, bool isLogOfSoftmax)
{
    /// <summary>The outer call: the log, or the log_softmax.</summary>
    public TorchCall Call { get; } = call;

    /// <summary>The softmax (or log_softmax) call that takes the logits.</summary>
    public TorchCall Softmax { get; } = softmax;

    /// <summary>True for log(softmax(x)), false for log_softmax(x).</summary>
    public bool IsLogOfSoftmax { get; } = isLogOfSoftmax;

    /// <summary>The logits as written in the softmax call.</summary>
    public IOperation? Logits => Softmax.Input;

    /// <summary>The softmax dim when it is a constant.</summary>
    public long? Dim => Softmax.IntegerArgument("dim");

    /// <summary>True when the softmax was asked to compute in another dtype.</summary>
    public bool HasDtype => Softmax.Has("dtype");
}

/// <summary>The tensor patterns several rules share, each named for what it matches.</summary>
internal static class TorchPatterns
{
    /// <summary>A call of the tensor op <paramref name="name"/>, in any form, seen through locals and conversions.</summary>
    public static bool IsOp(IOperation operation, Session session, string name, out TorchCall call)
    {
        if (ValueFlow.Peek(operation) is IInvocationOperation invocation && session.IsOp(invocation.TargetMethod, name)
            && ValueFlow.Confirms(operation, invocation, session))
        {
            call = new TorchCall(invocation);
            return true;
        }
        call = default;
        return false;
    }

    /// <summary><c>torch.log(p)</c> / <c>p.log()</c> where p is a softmax, however written.</summary>
    public static bool IsLogOfSoftmax(TorchCall log, Session session, out TorchCall softmax)
    {
        softmax = default;
        return session.IsOp(log.Method, "log")
            && log.Input is { } input
            && IsOp(input, session, "softmax", out softmax);
    }

    /// <summary>Log-probabilities of a softmax: <c>log(softmax(x, d))</c> or <c>log_softmax(x, d)</c>.</summary>
    public static bool IsLogProbabilities(IOperation operation, Session session, out LogProbabilities result)
    {
        result = default;
        if (IsOp(operation, session, "log", out var log) && IsLogOfSoftmax(log, session, out var softmax))
        {
            result = new LogProbabilities(log, softmax, isLogOfSoftmax: true);
            return true;
        }
        if (IsOp(operation, session, "log_softmax", out var logSoftmax))
        {
            result = new LogProbabilities(logSoftmax, logSoftmax, isLogOfSoftmax: false);
            return true;
        }
        return false;
    }

    /// <summary>A tensor product <c>a * b</c> (TorchSharp's operator), seen through locals and conversions.</summary>
    public static bool IsTensorProduct(IOperation operation, Session session, out IBinaryOperation product) =>
        IsTensorOperator(operation, session, BinaryOperatorKind.Multiply, out product);

    /// <summary>A TorchSharp binary operator of <paramref name="kind"/>, seen through locals and conversions.</summary>
    public static bool IsTensorOperator(IOperation operation, Session session, BinaryOperatorKind kind, out IBinaryOperation binary)
    {
        binary = null!;
        if (ValueFlow.Peek(operation) is IBinaryOperation candidate
            && candidate.OperatorKind == kind
            && session.IsOperator(candidate.OperatorMethod)
            && ValueFlow.Confirms(operation, candidate, session))
        {
            binary = candidate;
            return true;
        }
        return false;
    }

    /// <summary>A tensor negation <c>-t</c> (TorchSharp's unary operator).</summary>
    public static bool IsTensorNegation(IOperation? operation, Session session, out IUnaryOperation negation)
    {
        negation = null!;
        if (operation is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } unary
            && session.IsOperator(unary.OperatorMethod))
        {
            negation = unary;
            return true;
        }
        return false;
    }
}

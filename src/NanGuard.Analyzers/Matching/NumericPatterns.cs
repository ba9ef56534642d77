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

    /// <summary><c>x * x</c>, <c>x.pow(2)</c>, <c>torch.pow(x, 2)</c>: the square of <paramref name="x"/>.</summary>
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

    /// <summary>A probability normalised by hand: <c>t / t.sum(d, keepdim: true)</c> or <c>t / t.sum()</c>; 0 wherever t is.</summary>
    public static bool IsNormalizedByItsSum(IOperation operation, Session session) =>
        ValueFlow.Peek(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient
        && session.IsOperator(quotient.OperatorMethod)
        && ValueFlow.Confirms(operation, quotient, session)
        && TorchPatterns.IsOp(quotient.RightOperand, session, "sum", out var sum)
        && sum.Input is { } summed
        && ValueFlow.SameValue(summed, quotient.LeftOperand, session);

    /// <summary>
    /// A probability by its origin: the result of a method of the user's own (declared in the same file, and not one
    /// an override could replace) every return of which is a softmax, a sigmoid, or an average of such
    /// (<c>(softmax(a) + softmax(b)) / 2</c>). Only a call whose target is such a source method is looked into, and each
    /// method's answer is kept in the session.
    /// </summary>
    public static bool IsReturnedProbability(IOperation operation, Session session)
    {
        if (ValueFlow.Peek(operation) is not IInvocationOperation call || call.SemanticModel is not { } model)
            return false;
        var method = call.TargetMethod.OriginalDefinition;
        if (method.IsAbstract || method.IsVirtual || method.IsOverride && !method.IsSealed && !method.ContainingType.IsSealed
            || !session.IsTensor(method.ReturnType)
            || !method.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == model.SyntaxTree))
            return false;
        return session.ProbabilityMethods.GetOrAdd(method, m => AllReturnsAreProbabilities(m, model, session))
            && ValueFlow.Confirms(operation, call, session);
    }

    private static bool AllReturnsAreProbabilities(IMethodSymbol method, SemanticModel model, Session session)
    {
        var returned = new List<ExpressionSyntax>();
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
                continue;
            var (body, arrow) = reference.GetSyntax() switch
            {
                BaseMethodDeclarationSyntax declaration => (declaration.Body, declaration.ExpressionBody),
                LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody),
                _ => (null, null),
            };
            if (arrow is not null)
                returned.Add(arrow.Expression);
            else if (body is not null && !Returns(body, returned))
                return false;
        }
        return returned.Count > 0
            && returned.All(e => model.GetOperation(e) is { } value && IsProbability(value, session, depth: 0));
    }

    // The expressions the body's own return statements return (not those of lambdas or local functions in it);
    // false where one returns nothing or the body is an iterator.
    private static bool Returns(BlockSyntax body, List<ExpressionSyntax> returned)
    {
        foreach (var node in body.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax))
        {
            switch (node)
            {
                case YieldStatementSyntax:
                    return false;
                case ReturnStatementSyntax { Expression: { } expression }:
                    returned.Add(expression);
                    break;
                case ReturnStatementSyntax:
                    return false;
            }
        }
        return true;
    }

    // A softmax, a sigmoid, or the sum of n such divided by n.
    private static bool IsProbability(IOperation operation, Session session, int depth)
    {
        if (TorchPatterns.IsOp(operation, session, "softmax", out _) || TorchPatterns.IsOp(operation, session, "sigmoid", out _))
            return true;
        if (depth > 0 || !TorchPatterns.IsTensorOperator(operation, session, BinaryOperatorKind.Divide, out var quotient)
            || Constant(quotient.RightOperand) is not { } count)
            return false;
        var terms = new List<IOperation>();
        return IsSumOfTerms(quotient.LeftOperand, session, terms)
            && terms.Count == count
            && terms.All(t => IsProbability(t, session, depth + 1));
    }

    private static bool IsSumOfTerms(IOperation operation, Session session, List<IOperation> terms)
    {
        if (terms.Count > 16)
            return false;
        if (TorchPatterns.IsTensorOperator(operation, session, BinaryOperatorKind.Add, out var sum))
            return IsSumOfTerms(sum.LeftOperand, session, terms) && IsSumOfTerms(sum.RightOperand, session, terms);
        terms.Add(operation);
        return true;
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
        return ValueFlow.SameValue(factor, input, session) || IsNormalizedByItsSum(input, session)
            || IsReturnedProbability(input, session);
    }

    /// <summary>NG1010's pattern: <c>sqrt</c> or <c>pow(0.5)</c> of a sum of squares.</summary>
    public static bool IsSqrtOfSumOfSquares(TorchCall root, Session session, out TorchCall sum, out IOperation x)
    {
        sum = default;
        x = null!;
        var isRoot = session.IsOp(root.Method, "sqrt")
            || session.IsOp(root.Method, "pow") && Constant(root.Argument("exponent")) == 0.5;
        return isRoot && root.Input is { } input && IsSumOfSquares(input, session, out sum, out x);
    }

    /// <summary>
    /// A value already kept away from the unsafe point: a where, a clamp, or a sum with a positive constant
    /// (<c>x + eps</c>).
    /// </summary>
    public static bool IsGuarded(IOperation operation, Session session)
    {
        var value = ValueFlow.Peek(operation);
        if (value is IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            return (session.IsOp(method, "where") || session.IsOp(method, "clamp") || session.IsOp(method, "clamp_min")
                    || session.IsOp(method, "clip") || session.IsOp(method, "clamp_max") || session.IsOp(method, "nan_to_num"))
                && ValueFlow.Confirms(operation, invocation, session);
        }
        return value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum
            && (Constant(sum.RightOperand) > 0 || Constant(sum.LeftOperand) > 0)
            && ValueFlow.Confirms(operation, sum, session);
    }

    /// <summary>
    /// NG1015's unsafe branch: an unguarded <c>log(x)</c> (the unsafe input is x), or a tensor division <c>a / b</c>
    /// (the unsafe input is b).
    /// </summary>
    public static bool IsUnsafeBranch(IOperation branch, Session session, out IOperation unsafeInput, out string op)
    {
        var value = ValueFlow.Peek(branch);
        unsafeInput = null!;
        op = "";
        if (value is IInvocationOperation invocation && session.IsOp(invocation.TargetMethod, "log")
            && ValueFlow.Confirms(branch, invocation, session)
            && new TorchCall(invocation).Input is { } x && !IsGuarded(x, session))
        {
            unsafeInput = x;
            op = "log";
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

    /// <summary>
    /// Terms whose sum can be exactly 0, named for a message: a comparison (<c>x > 0</c>, <c>x.eq(y)</c>, converted with
    /// <c>to_type</c> or not) or a tensor named as a mask (<c>mask</c>, <c>padMask</c>) count something
    /// (<paramref name="isCount"/>); a relu and an abs are only non-negative. Null for anything else.
    /// </summary>
    public static string? ZeroableTerms(IOperation operation, Session session, out bool isCount)
    {
        isCount = true;
        if (IsComparison(operation, session))
            return "a comparison";
        if (IsNamedMask(operation, session))
            return "a mask";
        isCount = false;
        if (TorchPatterns.IsOp(operation, session, "relu", out _))
            return "a relu";
        if (TorchPatterns.IsOp(operation, session, "abs", out _))
            return "an abs";
        return null;
    }

    /// <summary>A boolean tensor from a comparison: a TorchSharp comparison operator or method, or its dtype conversion.</summary>
    public static bool IsComparison(IOperation operation, Session session)
    {
        var value = ValueFlow.Peek(operation);
        if (value is IBinaryOperation binary && session.IsOperator(binary.OperatorMethod))
        {
            return binary.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals
                    or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                    or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                && ValueFlow.Confirms(operation, binary, session);
        }
        if (value is not IInvocationOperation invocation)
            return false;
        var call = new TorchCall(invocation);
        foreach (var name in ComparisonMethods)
        {
            if (session.IsOp(call.Method, name))
                return ValueFlow.Confirms(operation, invocation, session);
        }
        return IsDtypeConversion(call, session) && call.Input is { } converted
            && ValueFlow.Confirms(operation, invocation, session) && IsComparison(converted, session);
    }

    private static readonly string[] ComparisonMethods = { "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite", "isposinf", "isneginf" };

    private static bool IsDtypeConversion(TorchCall call, Session session) =>
        call.IsInstanceForm && (session.IsOp(call.Method, "to_type") || session.IsOp(call.Method, "type_as") || session.IsOp(call.Method, "to"));

    // A heuristic of the P2 rules: a tensor local, parameter or field whose name says it is a mask (0/1 values).
    private static bool IsNamedMask(IOperation operation, Session session)
    {
        var value = ValueFlow.SkipConversions(operation);
        if (value is IInvocationOperation invocation && IsDtypeConversion(new TorchCall(invocation), session)
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
            && IsTensor(value, session);
    }
}

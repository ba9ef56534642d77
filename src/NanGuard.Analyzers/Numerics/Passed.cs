using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// What the calls in the compilation pass for a parameter of a method whose parameters the engine does not follow (a
/// public method: other callers may pass anything), where a rule reports a hazard on the path of one such call. A
/// number (a hyper-parameter such as an exponent) reaches a read of it where the call passes a constant (or leaves out
/// a parameter with a default), and every condition on the way from the method's start to the read that compares the
/// parameter with a constant holds for it (an enclosing <c>if</c> or <c>?:</c>, an <c>if (...) return</c> before it); a
/// condition that reads the parameter in any other way stops the search. A tensor reaches a value computed from the
/// parameter by selections, reshapes and scaling by a positive constant, or, where the value is computed otherwise or
/// the parameter is written again in its method, the value as the engine follows it with the parameter entering
/// holding what the call passes (<see cref="FactsEngine.Assuming"/>). A module's <c>forward</c> counts the calls of
/// <c>call(...)</c> and <c>forward(...)</c> that run it. Whatever else the method is called with outside the
/// compilation, the call found is one that runs the code with that value.
/// </summary>
internal static class Passed
{
    private static readonly ImmutableHashSet<string> Selections = ImmutableHashSet.Create(System.StringComparer.Ordinal,
        "reshape", "view", "view_as", "unsqueeze", "squeeze", "transpose", "t", "permute", "flatten", "unflatten", "contiguous", "clone",
        "detach", "index_select", "select", "narrow", "gather", "flip", "roll");

    /// <summary>
    /// The facts of <paramref name="value"/>, computed from a tensor parameter, where a call in the compilation passes
    /// that parameter: the first that <paramref name="wanted"/> accepts, with the call's argument named as the place it
    /// came through; null where there is none. Worked out once per value: the rules on one log each ask.
    /// </summary>
    public static Facts? Tensor(IOperation value, System.Func<Facts, bool> wanted, Session session)
    {
        foreach (var (facts, evidence) in session.PassedFacts.GetOrAdd(value, v => Candidates(v, session)))
        {
            if (wanted(facts))
                return facts.Through(evidence);
        }
        return null;
    }

    // What each call in the compilation passing a tensor parameter makes of the value, in the order of the parameters
    // and the calls, where the engine knows it; each with the call's argument, named as the place it came through.
    private static ImmutableArray<(Facts, Evidence)> Candidates(IOperation value, Session session)
    {
        var found = ImmutableArray.CreateBuilder<(Facts, Evidence)>();
        if (ParameterOf(value, session, 0) is { } read && read.SemanticModel is { } model
            && !ValueFlow.IsReassigned(read.Parameter, model, session))
        {
            foreach (var argument in ArgumentsFor(read.Parameter, session))
            {
                if (session.Facts.Of(argument) is { IsKnown: true } facts)
                    found.Add((facts, PassedBy(read.Parameter, argument)));
            }
            return found.ToImmutable();
        }
        // The value as the engine follows it, with the parameter entering holding what one call passes: every write of
        // the parameter that reaches the value is evaluated with that, and one the engine cannot follow leaves the
        // value unknown.
        if (value.SemanticModel?.GetEnclosingSymbol(value.Syntax.SpanStart) is not IMethodSymbol method)
            return found.ToImmutable();
        foreach (var parameter in method.Parameters)
        {
            if (!session.IsTensor(parameter.Type))
                continue;
            foreach (var argument in ArgumentsFor(parameter, session))
            {
                if (session.Facts.Of(argument) is { IsKnown: true } passed
                    && session.Facts.Assuming(value, parameter, passed) is { IsKnown: true } facts)
                    found.Add((facts, PassedBy(parameter, argument)));
            }
        }
        return found.ToImmutable();
    }

    // The calls' arguments for a parameter of a method the engine does not follow: a public method's, a module's forward's.
    private static ImmutableArray<IOperation> ArgumentsFor(IParameterSymbol parameter, Session session)
    {
        var arguments = OptimizerFlow.ArgumentsFor(parameter, session);
        return arguments.IsEmpty ? OptimizerFlow.ForwardArgumentsFor(parameter, session) : arguments;
    }

    private static Evidence PassedBy(IParameterSymbol parameter, IOperation argument) =>
        new(argument.Syntax.GetLocation(), "passed for " + parameter.Name + " by " + Caller(argument));

    /// <summary>The method a call passing <paramref name="argument"/> is in, as a message names it.</summary>
    public static string Caller(IOperation argument) =>
        argument.SemanticModel?.GetEnclosingSymbol(argument.Syntax.SpanStart) is { } symbol
            ? (symbol.ContainingType is { } type ? type.Name + "." : "") + symbol.Name
            : "a caller";

    // The parameter a value is computed from by selections, reshapes, and scaling by or adding a constant.
    private static IParameterReferenceOperation? ParameterOf(IOperation operation, Session session, int depth)
    {
        if (depth > 16)
            return null;
        switch (ValueFlow.Unwrap(operation, session))
        {
            case IParameterReferenceOperation parameter when session.IsTensor(parameter.Type):
                return parameter;
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } when session.IsTensor(indexed.Type):
                return ParameterOf(indexed, session, depth + 1);
            case IInvocationOperation invocation when Selections.Contains(invocation.TargetMethod.Name)
                && session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name) && new TorchCall(invocation).Input is { } input:
                return ParameterOf(input, session, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } binary
                when session.IsOperator(binary.OperatorMethod):
                var (tensor, constant) = NumericPatterns.Constant(binary.RightOperand) is { } right ? (binary.LeftOperand, right)
                    : NumericPatterns.Constant(binary.LeftOperand) is { } left && binary.OperatorKind != BinaryOperatorKind.Subtract ? (binary.RightOperand, left)
                    : (null, 0);
                return tensor is not null && (binary.OperatorKind != BinaryOperatorKind.Multiply || constant > 0)
                    ? ParameterOf(tensor, session, depth + 1)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The first number a call in the compilation passes for the parameter <paramref name="read"/> reads that
    /// <paramref name="wanted"/> accepts and that reaches the read, with the argument that passes it; null where none
    /// does (the parameter is written in its method, or its method is not one whose calls are followed).
    /// </summary>
    public static (double Value, IOperation Argument)? Number(IParameterReferenceOperation read, System.Func<double, bool> wanted, Session session)
    {
        var parameter = read.Parameter;
        if (parameter.Type.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int64)
            || read.SemanticModel is not { } model || ValueFlow.IsReassigned(parameter, model, session))
            return null;
        foreach (var argument in OptimizerFlow.ValuesFor(parameter, session))
        {
            if (NumericPatterns.Constant(argument) is { } value && wanted(value) && Reaches(read.Syntax, parameter, value, model))
                return (value, argument);
        }
        return null;
    }

    // True where every condition between the method's start and the read lets the value through.
    private static bool Reaches(SyntaxNode use, IParameterSymbol parameter, double value, SemanticModel model)
    {
        var method = parameter.ContainingSymbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
        var child = use;
        foreach (var parent in use.Ancestors())
        {
            if (parent == method)
                return true;
            var holds = parent switch
            {
                IfStatementSyntax branch when child == branch.Statement => Holds(branch.Condition, parameter, value, model),
                IfStatementSyntax branch when child == branch.Else => Negated(Holds(branch.Condition, parameter, value, model)),
                ConditionalExpressionSyntax conditional when child == conditional.WhenTrue => Holds(conditional.Condition, parameter, value, model),
                ConditionalExpressionSyntax conditional when child == conditional.WhenFalse => Negated(Holds(conditional.Condition, parameter, value, model)),
                BlockSyntax block => ExitsBefore(block, child, parameter, value, model),
                _ => true,
            };
            if (holds != true)
                return false;
            child = parent;
        }
        return false;
    }

    private static bool? Negated(bool? holds) => holds is { } h ? !h : null;

    // Whether the block's statements before the child let the value through: an if without else that returns or
    // throws must not be taken.
    private static bool? ExitsBefore(BlockSyntax block, SyntaxNode child, IParameterSymbol parameter, double value, SemanticModel model)
    {
        foreach (var statement in block.Statements)
        {
            if (statement == child)
                break;
            if (statement is IfStatementSyntax { Else: null } exit && Exits(exit.Statement)
                && Negated(Holds(exit.Condition, parameter, value, model)) != true)
                return false;
        }
        return true;
    }

    private static bool Exits(StatementSyntax statement) => statement switch
    {
        ReturnStatementSyntax or ThrowStatementSyntax => true,
        BlockSyntax { Statements.Count: > 0 } block => Exits(block.Statements[block.Statements.Count - 1]),
        _ => false,
    };

    // What a condition is for the value: true or false where it compares the parameter with constants (through !, &&,
    // ||, parentheses), true (it may hold) where it does not read the parameter, null where it reads it otherwise.
    private static bool? Holds(ExpressionSyntax condition, IParameterSymbol parameter, double value, SemanticModel model)
    {
        switch (condition)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Holds(parenthesized.Expression, parameter, value, model);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                return Holds(not.Operand, parameter, value, model) is { } inner ? !inner : ReadsParameter(not.Operand, parameter) ? null : true;
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression or (int)SyntaxKind.LogicalOrExpression } logical:
                var left = Holds(logical.Left, parameter, value, model);
                var right = Holds(logical.Right, parameter, value, model);
                if (left is null || right is null)
                    return null;
                return logical.IsKind(SyntaxKind.LogicalAndExpression) ? left.Value && right.Value : left.Value || right.Value;
            case BinaryExpressionSyntax comparison when Compared(comparison, parameter, model) is { } compared:
                return compared.Kind switch
                {
                    SyntaxKind.LessThanExpression => value < compared.Bound,
                    SyntaxKind.LessThanOrEqualExpression => value <= compared.Bound,
                    SyntaxKind.GreaterThanExpression => value > compared.Bound,
                    SyntaxKind.GreaterThanOrEqualExpression => value >= compared.Bound,
                    SyntaxKind.EqualsExpression => value == compared.Bound,
                    SyntaxKind.NotEqualsExpression => value != compared.Bound,
                    _ => null,
                };
            default:
                // A condition that does not read the parameter may hold or not: the read may run.
                return ReadsParameter(condition, parameter) ? null : true;
        }
    }

    // p op c, or c op p read as p (op mirrored) c.
    private static (SyntaxKind Kind, double Bound)? Compared(BinaryExpressionSyntax comparison, IParameterSymbol parameter, SemanticModel model)
    {
        var kind = comparison.Kind();
        if (IsParameter(comparison.Left, parameter) && Constant(comparison.Right, model) is { } right)
            return (kind, right);
        if (IsParameter(comparison.Right, parameter) && Constant(comparison.Left, model) is { } left)
        {
            var mirrored = kind switch
            {
                SyntaxKind.LessThanExpression => SyntaxKind.GreaterThanExpression,
                SyntaxKind.LessThanOrEqualExpression => SyntaxKind.GreaterThanOrEqualExpression,
                SyntaxKind.GreaterThanExpression => SyntaxKind.LessThanExpression,
                SyntaxKind.GreaterThanOrEqualExpression => SyntaxKind.LessThanOrEqualExpression,
                _ => kind,
            };
            return (mirrored, left);
        }
        return null;
    }

    private static bool IsParameter(ExpressionSyntax expression, IParameterSymbol parameter) =>
        expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == parameter.Name;

    private static bool ReadsParameter(SyntaxNode node, IParameterSymbol parameter) =>
        node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == parameter.Name);

    private static double? Constant(ExpressionSyntax expression, SemanticModel model) =>
        model.GetConstantValue(expression) is { HasValue: true, Value: { } constant } && constant is int or long or double or float or short or byte
            ? System.Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture)
            : null;
}

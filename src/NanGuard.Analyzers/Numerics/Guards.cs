using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// Guards at a distance: a branch around an operation (<c>if (std == 0) ... else x / std</c>, <c>s > 0 ? a / s : z</c>),
/// an early exit before it (<c>if (n.item&lt;long&gt;() == 0) return z;</c>), or a branch at every call site of the
/// private method or local function it is in (<c>if (mask.sum() > 0) loss = MaskedMean(x, mask);</c>) that keeps a
/// value from 0. Clamps and epsilons are facts of the value itself (<see cref="Ops"/>, <see cref="Arithmetic"/>).
/// </summary>
internal static class Guards
{
    /// <summary>True where the code around <paramref name="at"/> only runs it when <paramref name="value"/> is not 0.</summary>
    public static bool KeepsFromZero(IOperation value, IOperation at, Session session)
    {
        var valueSyntax = ValueFlow.SkipConversions(value).Syntax;
        // The conditions that could guard the operation are found first: the value's text is worked out only where
        // there is one (a long expression's text is dear, and most operations stand under no condition at all).
        var conditions = ConditionsAround(at.Syntax);
        if (conditions.Count > 0)
        {
            var forms = new List<string> { Normal(valueSyntax is ExpressionSyntax expression ? Strip(expression) : valueSyntax) };
            if (ValueFlow.SkipConversions(value) is ILocalReferenceOperation local
                && local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initializer })
                forms.Add(Normal(initializer));
            if (conditions.Any(c => Excludes(c.Condition, forms, c.WhenTrue)))
                return true;
        }
        return IsGuardedAtEveryCall(valueSyntax, at, session);
    }

    private static bool IsGuardedAt(SyntaxNode at, IReadOnlyList<string> forms) =>
        ConditionsAround(at).Any(c => Excludes(c.Condition, forms, c.WhenTrue));

    // The conditions under which the code at a node runs, with the truth value each has there: an if or a ?: around
    // it, or an if before it in a block that exits early when its condition holds.
    private static List<(ExpressionSyntax Condition, bool WhenTrue)> ConditionsAround(SyntaxNode at)
    {
        var conditions = new List<(ExpressionSyntax, bool)>();
        SyntaxNode child = at;
        foreach (var ancestor in at.Ancestors())
        {
            switch (ancestor)
            {
                case IfStatementSyntax branch when branch.Statement == child:
                    conditions.Add((branch.Condition, true));
                    break;
                case IfStatementSyntax { Else: { } } elseBranch when elseBranch.Else == child:
                    conditions.Add((elseBranch.Condition, false));
                    break;
                case ConditionalExpressionSyntax conditional when conditional.WhenTrue == child:
                    conditions.Add((conditional.Condition, true));
                    break;
                case ConditionalExpressionSyntax otherwise when otherwise.WhenFalse == child:
                    conditions.Add((otherwise.Condition, false));
                    break;
                case BlockSyntax block:
                    foreach (var earlier in block.Statements)
                    {
                        if (earlier == child)
                            break;
                        if (earlier is IfStatementSyntax { Else: null } exit && Exits(exit.Statement))
                            conditions.Add((exit.Condition, false));
                    }
                    break;
                case MemberDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax:
                    return conditions;
            }
            child = ancestor;
        }
        return conditions;
    }

    private static bool Exits(StatementSyntax statement) => statement switch
    {
        ReturnStatementSyntax or ThrowStatementSyntax or ContinueStatementSyntax or BreakStatementSyntax => true,
        BlockSyntax block => block.Statements.LastOrDefault() is { } last && Exits(last),
        ExpressionStatementSyntax { Expression: ThrowExpressionSyntax } => true,
        _ => false,
    };

    /// <summary>True where <paramref name="condition"/>, being <paramref name="whenTrue"/>, says the value is not 0.</summary>
    private static bool Excludes(ExpressionSyntax condition, IReadOnlyList<string> forms, bool whenTrue)
    {
        condition = Strip(condition);
        switch (condition)
        {
            case PrefixUnaryExpressionSyntax negation when negation.IsKind(SyntaxKind.LogicalNotExpression):
                return Excludes(negation.Operand, forms, !whenTrue);
            case BinaryExpressionSyntax both when both.IsKind(SyntaxKind.LogicalAndExpression) && whenTrue:
                return Excludes(both.Left, forms, true) || Excludes(both.Right, forms, true);
            case BinaryExpressionSyntax either when either.IsKind(SyntaxKind.LogicalOrExpression) && !whenTrue:
                return Excludes(either.Left, forms, false) || Excludes(either.Right, forms, false);
            case BinaryExpressionSyntax comparison:
                return Compares(comparison, forms, whenTrue);
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access, ArgumentList.Arguments: { Count: 1 } arguments }
                when Constant(arguments[0].Expression) is { } k:
                return Compares(access.Name.Identifier.ValueText, access.Expression, k, forms, whenTrue);
            default:
                return false;
        }
    }

    private static bool Compares(BinaryExpressionSyntax comparison, IReadOnlyList<string> forms, bool whenTrue)
    {
        var op = comparison.OperatorToken.ValueText switch
        {
            ">" => "gt",
            ">=" => "ge",
            "<" => "lt",
            "<=" => "le",
            "==" => "eq",
            "!=" => "ne",
            _ => null,
        };
        if (op is null)
            return false;
        if (Constant(comparison.Right) is { } right)
            return Compares(op, comparison.Left, right, forms, whenTrue);
        if (Constant(comparison.Left) is { } left)
            return Compares(Mirror(op), comparison.Right, left, forms, whenTrue);
        // a == b, false (or a != b, true): a - b is not 0.
        if (op == "eq" && !whenTrue || op == "ne" && whenTrue)
        {
            var a = Normal(Strip(comparison.Left));
            var b = Normal(Strip(comparison.Right));
            return forms.Contains(a + " - " + b) || forms.Contains(b + " - " + a);
        }
        return false;
    }

    private static string Mirror(string op) => op switch
    {
        "gt" => "lt",
        "ge" => "le",
        "lt" => "gt",
        "le" => "ge",
        _ => op,
    };

    // v op k, holding (whenTrue) or not, excludes v == 0.
    private static bool Compares(string op, ExpressionSyntax value, double k, IReadOnlyList<string> forms, bool whenTrue)
    {
        var excludes = (op, whenTrue) switch
        {
            ("gt", true) => k >= 0,
            ("ge", true) => k > 0,
            ("lt", true) => k <= 0,
            ("le", true) => k < 0,
            ("ne", true) => k == 0,
            ("eq", false) => k == 0,
            ("le", false) => k >= 0,
            ("lt", false) => k > 0,
            ("ge", false) => k <= 0,
            ("gt", false) => k < 0,
            _ => false,
        };
        return excludes && forms.Contains(Normal(Strip(value)));
    }

    // What does not change the compared value: parentheses, casts, item<T>(), ToSingle() and the like, any()/all().
    private static ExpressionSyntax Strip(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    continue;
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    continue;
                case InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax access }
                    when access.Name.Identifier.ValueText is "item" or "ToSingle" or "ToDouble" or "ToInt64" or "ToInt32" or "ToBoolean" or "ToScalar" or "all" or "any":
                    expression = access.Expression;
                    continue;
                default:
                    return expression;
            }
        }
    }

    private static double? Constant(ExpressionSyntax expression) => Strip(expression) switch
    {
        LiteralExpressionSyntax literal when literal.Token.Value is { } value && value is int or long or double or float or decimal =>
            System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        PrefixUnaryExpressionSyntax negative when negative.IsKind(SyntaxKind.UnaryMinusExpression) && Constant(negative.Operand) is { } v => -v,
        _ => null,
    };

    private static string Normal(SyntaxNode node) => node.WithoutTrivia().NormalizeWhitespace().ToString();

    // In a private method or local function, a guard at every call site, with the method's parameters read as the
    // arguments each call passes.
    private static bool IsGuardedAtEveryCall(SyntaxNode value, IOperation at, Session session)
    {
        if (at.SemanticModel is not { } model
            || model.GetEnclosingSymbol(at.Syntax.SpanStart) is not IMethodSymbol method
            || !(method.MethodKind == MethodKind.LocalFunction || method.DeclaredAccessibility == Accessibility.Private && method.MethodKind == MethodKind.Ordinary)
            || method.Parameters.IsEmpty)
            return false;
        // The call sites first (kept for the session): a method no one calls is guarded by no caller, and the value's
        // syntax is not walked.
        var calls = method.Parameters.Select(p => OptimizerFlow.ArgumentsFor(p, session)).ToList();
        var count = calls[0].Length;
        if (count == 0 || calls.Any(c => c.Length != count))
            return false;
        var names = method.Parameters.Select(p => p.Name).ToImmutableHashSet();
        if (!value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => names.Contains(i.Identifier.ValueText)))
            return false;
        for (var i = 0; i < count; i++)
        {
            var arguments = new Dictionary<string, ExpressionSyntax>();
            for (var p = 0; p < method.Parameters.Length; p++)
            {
                if (calls[p][i].Syntax is ExpressionSyntax argument)
                    arguments[method.Parameters[p].Name] = argument;
            }
            var substituted = new Substitution(arguments).Visit(value);
            if (!IsGuardedAt(calls[0][i].Syntax, new[] { Normal(Strip((ExpressionSyntax)substituted)) }))
                return false;
        }
        return true;
    }

    private sealed class Substitution : CSharpSyntaxRewriter
    {
        private readonly Dictionary<string, ExpressionSyntax> _arguments;

        public Substitution(Dictionary<string, ExpressionSyntax> arguments) => _arguments = arguments;

        public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node) =>
            node.Parent is MemberAccessExpressionSyntax access && access.Name == node ? node
            : _arguments.TryGetValue(node.Identifier.ValueText, out var argument) ? Strip(argument).WithoutTrivia()
            : node;
    }
}

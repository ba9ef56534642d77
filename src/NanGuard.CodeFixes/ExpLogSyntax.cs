namespace NanGuard.CodeFixes;

/// <summary>What the exp/log fixes (NG1003 to NG1008) share: a static call spelled as the user's, and negation.</summary>
internal static class ExpLogSyntax
{
    /// <summary>
    /// <c>name(arguments)</c> called on <paramref name="container"/>, spelled as the user spelled <paramref name="like"/>:
    /// bare where <paramref name="like"/> was called bare (a <c>using static</c>) and the bare name binds to that
    /// container there, else on the container as <see cref="TorchSyntax.ContainerLike"/> writes it.
    /// </summary>
    public static ExpressionSyntax StaticCall(TorchCall like, INamedTypeSymbol? container, ExpressionSyntax fallback, string name, SemanticModel model, params ArgumentSyntax[] arguments)
    {
        if (like.Invocation.Syntax is InvocationExpressionSyntax { Expression: SimpleNameSyntax } invocation
            && BindsTo(model, invocation.SpanStart, name, container))
        {
            return SyntaxFactory.InvocationExpression(SyntaxFactory.IdentifierName(name), SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
        }
        return TorchSyntax.Call(TorchSyntax.ContainerLike(like, container, fallback), name, arguments);
    }

    private static bool BindsTo(SemanticModel model, int position, string name, INamedTypeSymbol? container)
    {
        var info = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.IdentifierName(name), SpeculativeBindingOption.BindAsExpression);
        var candidates = info.Symbol is { } symbol ? ImmutableArray.Create(symbol) : info.CandidateSymbols;
        return !candidates.IsEmpty
            && candidates.All(c => c is IMethodSymbol && SymbolEqualityComparer.Default.Equals(c.ContainingType, container));
    }

    /// <summary><c>-x</c>, parenthesizing <c>x</c> where its precedence needs it.</summary>
    public static ExpressionSyntax Negate(ExpressionSyntax operand)
    {
        var inner = operand is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
            or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax or ThisExpressionSyntax
            ? operand.WithoutTrivia()
            : SyntaxFactory.ParenthesizedExpression(operand.WithoutTrivia());
        return SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, inner);
    }
}

using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Matching;

namespace NanGuard.CodeFixes;

/// <summary>What the exp/log fixes (NG1003 to NG1008) share: where an operand may be written, and negation.</summary>
internal static class ExpLogSyntax
{
    /// <summary>
    /// True where <paramref name="operand"/> may be written in place of <paramref name="replaced"/>: it lies inside
    /// it, or (reached through a local) it reads the same values there.
    /// </summary>
    public static bool CanWriteAt(IOperation operand, SyntaxNode replaced, SemanticModel model) =>
        Relocation.IsInside(operand, replaced) || Relocation.CanEvaluateAt(operand, replaced.SpanStart, model);

    /// <summary>True where the TorchSharp being compiled against declares <paramref name="name"/> on <paramref name="type"/>
    /// (older releases lack some: F.logsigmoid came in 0.100).</summary>
    public static bool Declares(INamedTypeSymbol? type, string name) =>
        type is not null && type.GetMembers(name).Any(m => m is IMethodSymbol);

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

using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace NanGuard.CodeFixes;

/// <summary>
/// Builds the TorchSharp expressions fixes write. Names are written fully qualified and annotated for the
/// simplifier, which shortens them to what the file's usings allow (<c>F.</c>, <c>torch.</c>, a <c>using static</c>),
/// so a fix never adds a using and never relies on one that is missing.
/// </summary>
internal static class TorchSyntax
{
    /// <summary><c>torch.nn.functional</c>, shortened as far as the file's usings allow (to <c>F</c> under an alias).</summary>
    public static ExpressionSyntax Functional =>
        Member(Member(Member(TorchSharpNamespace, "torch"), "nn"), "functional").WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary><c>torch.special</c>: TorchSharp's own spelling, with only <c>torch</c> left to the usings.</summary>
    public static ExpressionSyntax Special => Member(Torch, "special");

    /// <summary><c>torch.nn.utils</c>: TorchSharp's own spelling, with only <c>torch</c> left to the usings.</summary>
    public static ExpressionSyntax NnUtils => Member(Member(Torch, "nn"), "utils");

    /// <summary>
    /// <c>torch.nn.utils</c> as the file at <paramref name="position"/> can spell it: <see cref="NnUtils"/> where
    /// <c>torch</c> is in scope, else the whole name left to the simplifier (<c>nn.utils</c> under a
    /// <c>using static TorchSharp.torch;</c> alone, fully qualified with no using at all).
    /// </summary>
    public static ExpressionSyntax NnUtilsAt(SemanticModel model, int position) =>
        IsTorchInScope(model, position)
            ? NnUtils
            : Member(Member(Member(TorchSharpNamespace, "torch"), "nn"), "utils").WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>True where the name <c>torch</c> at <paramref name="position"/> means TorchSharp's <c>torch</c> class.</summary>
    public static bool IsTorchInScope(SemanticModel model, int position) =>
        model.LookupNamespacesAndTypes(position, name: "torch").Any(s => s is INamedTypeSymbol { Name: "torch", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } });

    /// <summary><c>torch.nn.Reduction</c>: TorchSharp's own spelling, with only <c>torch</c> left to the usings.</summary>
    public static ExpressionSyntax Reduction => Member(Member(Torch, "nn"), "Reduction");

    /// <summary><c>torch</c>, qualified as far as the file's usings need.</summary>
    public static ExpressionSyntax Torch => Member(TorchSharpNamespace, "torch").WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>A type's name, fully qualified for the simplifier to shorten and a using to be added where it helps.</summary>
    public static ExpressionSyntax TypeName(INamedTypeSymbol type) =>
        SyntaxFactory.ParseExpression(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    private static ExpressionSyntax TorchSharpNamespace => SyntaxFactory.AliasQualifiedName(
        SyntaxFactory.IdentifierName(SyntaxFactory.Token(SyntaxKind.GlobalKeyword)),
        SyntaxFactory.IdentifierName("TorchSharp"));

    private static ExpressionSyntax Member(ExpressionSyntax container, string name) =>
        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, container, SyntaxFactory.IdentifierName(name));

    /// <summary>
    /// The class to call a static op on, written as the user wrote it in <paramref name="like"/> where that call is
    /// on the same class (<c>torch.special.softmax</c> gives <c>torch.special</c>), else <paramref name="fallback"/>.
    /// </summary>
    public static ExpressionSyntax ContainerLike(Analyzers.Matching.TorchCall like, INamedTypeSymbol? target, ExpressionSyntax fallback) =>
        !like.IsInstanceForm
        && SymbolEqualityComparer.Default.Equals(like.Method.ContainingType, target)
        && like.Invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
            ? access.Expression.WithoutTrivia()
            : fallback;

    /// <summary>
    /// The callee for a function of <c>torch</c> named <paramref name="name"/>, spelled like <paramref name="like"/>:
    /// bare where the user called it under <c>using static TorchSharp.torch;</c>, on the class as the user wrote it
    /// where the call was <c>torch.op(...)</c>, else <c>torch.name</c> shortened by the simplifier.
    /// </summary>
    public static ExpressionSyntax TorchFunctionLike(Analyzers.Matching.TorchCall like, INamedTypeSymbol target, string name) =>
        !like.IsInstanceForm
        && SymbolEqualityComparer.Default.Equals(like.Method.ContainingType, target)
        && like.Invocation.Syntax is InvocationExpressionSyntax { Expression: IdentifierNameSyntax }
            ? SyntaxFactory.IdentifierName(name)
            : Member(ContainerLike(like, target, Torch), name);

    /// <summary><c>container.name(arguments)</c>.</summary>
    public static InvocationExpressionSyntax Call(ExpressionSyntax container, string name, params ArgumentSyntax[] arguments) =>
        SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, container, SyntaxFactory.IdentifierName(name)),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));

    /// <summary><c>receiver.name(arguments)</c>, parenthesizing the receiver where its precedence needs it.</summary>
    public static InvocationExpressionSyntax InstanceCall(ExpressionSyntax receiver, string name, params ArgumentSyntax[] arguments) =>
        Call(AsReceiver(receiver), name, arguments);

    /// <summary>An argument holding <paramref name="expression"/>, with no leading or trailing trivia.</summary>
    public static ArgumentSyntax Argument(ExpressionSyntax expression) =>
        SyntaxFactory.Argument(expression.WithoutTrivia());

    /// <summary>An argument copied from the user's, named as <paramref name="name"/> when the user named it.</summary>
    public static ArgumentSyntax ArgumentLike(IArgumentOperation original, string name)
    {
        var argument = SyntaxFactory.Argument(((ExpressionSyntax)original.Value.Syntax).WithoutTrivia());
        return original.Syntax is ArgumentSyntax { NameColon: not null }
            ? argument.WithNameColon(SyntaxFactory.NameColon(name))
            : argument;
    }

    /// <summary>A named argument <c>name: expression</c>.</summary>
    public static ArgumentSyntax NamedArgument(string name, ExpressionSyntax expression) =>
        SyntaxFactory.Argument(expression).WithNameColon(SyntaxFactory.NameColon(name));

    /// <summary>The expression of an operation the user wrote, without its surrounding trivia.</summary>
    public static ExpressionSyntax Expression(IOperation operation) =>
        ((ExpressionSyntax)operation.Syntax).WithoutTrivia();

    /// <summary>
    /// <paramref name="value"/> clamped from below by the literal <paramref name="bound"/>, in the form the user wrote it:
    /// <c>torch.clamp_min(torch.sum(m), b)</c> where the value is a static call, <c>v.clamp_min(b)</c> otherwise, with
    /// the node it replaces (the value with the parentheses written around it, so that none is doubled).
    /// </summary>
    public static (SyntaxNode Node, ExpressionSyntax Replacement) ClampMin(IOperation value, INamedTypeSymbol torch, string bound)
    {
        var operand = Analyzers.Matching.ValueFlow.SkipConversions(value);
        var written = (ExpressionSyntax)operand.Syntax;
        while (written.Parent is ParenthesizedExpressionSyntax parenthesized)
            written = parenthesized;
        var literal = Argument(DoubleLiteral(bound));
        ExpressionSyntax replacement = operand is IInvocationOperation { Instance: null } staticCall
            ? SyntaxFactory.InvocationExpression(
                TorchFunctionLike(new Analyzers.Matching.TorchCall(staticCall), torch, "clamp_min"),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { Argument(Expression(operand)), literal })))
            : InstanceCall(written.WithoutTrivia(), "clamp_min", literal);
        return (written, replacement);
    }

    /// <summary>
    /// The tensor operand of a call as written, parentheses included (<c>(1 - p)</c> of <c>(1 - p).log()</c>, <c>x</c> of
    /// <c>torch.log(x)</c>), or null where the call is not written as one.
    /// </summary>
    public static ExpressionSyntax? WrittenInput(IInvocationOperation invocation) =>
        invocation.Syntax is not InvocationExpressionSyntax syntax ? null
        : invocation.Instance is not null ? (syntax.Expression as MemberAccessExpressionSyntax)?.Expression
        : syntax.ArgumentList.Arguments.FirstOrDefault()?.Expression;

    /// <summary>A double literal as C# writes it (always with a decimal point or exponent).</summary>
    public static LiteralExpressionSyntax DoubleLiteral(string text) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.ParseToken(text));

    /// <summary>
    /// <c>module.forward(x)</c> as <c>module.call(x)</c> (only the name changes, so that the module's hooks run), or null
    /// where the rewritten call would not bind to the module's <c>call</c> with the same result type (a named argument
    /// spelt as forward's parameter and not as call's).
    /// </summary>
    public static InvocationExpressionSyntax? ForwardAsCall(IInvocationOperation forward, SemanticModel model)
    {
        if (forward.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } syntax)
            return null;
        var name = SyntaxFactory.IdentifierName("call").WithTriviaFrom(access.Name);
        var rewritten = syntax.WithExpression(access.WithName(name));
        var bound = model.GetSpeculativeSymbolInfo(syntax.SpanStart, rewritten, SpeculativeBindingOption.BindAsExpression).Symbol;
        return bound is IMethodSymbol { Name: "call" } call
            && SymbolEqualityComparer.Default.Equals(call.ReturnType, forward.TargetMethod.ReturnType)
            ? rewritten
            : null;
    }

    private static ExpressionSyntax AsReceiver(ExpressionSyntax receiver) =>
        receiver is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
            or ElementAccessExpressionSyntax or ThisExpressionSyntax or ParenthesizedExpressionSyntax
            ? receiver
            : SyntaxFactory.ParenthesizedExpression(receiver.WithoutTrivia()).WithAdditionalAnnotations(Simplifier.Annotation);
}

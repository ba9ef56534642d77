using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Matching;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1010: rewrites the square root of a sum of squares as a 2-norm of the same tensor: <c>x.norm(d, keepdim)</c> where
/// the user wrote the instance form and the dim is an int constant (Tensor.norm takes an <c>int</c> dim), else
/// <c>torch.linalg.vector_norm(x, dims: new long[] { d }, keepdim: k)</c>. Same forward value; the backward is 0 at 0.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SqrtOfSumOfSquaresCodeFix)), Shared]
public sealed class SqrtOfSumOfSquaresCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the norm rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.SqrtOfSumOfSquares + ".UseNorm";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SqrtOfSumOfSquares);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var root)
            || !NumericPatterns.IsSqrtOfSumOfSquares(new TorchCall(root), context.Symbols, out var sum, out var x)
            || sum.Has("type"))
            yield break;
        if (!Relocation.IsInside(x, root.Syntax) && !Relocation.CanEvaluateAt(x, root.Syntax.SpanStart, context.Model))
            yield break;
        var dim = sum.Argument("dim");
        var keepdim = sum.Argument("keepdim");
        if (dim is not null && !Relocation.IsInside(dim.Value, root.Syntax) && !Relocation.CanEvaluateAt(dim.Value, root.Syntax.SpanStart, context.Model))
            yield break;

        var tensor = TorchSyntax.Expression(x);
        var arguments = new List<ArgumentSyntax>();
        ExpressionSyntax replacement;
        var intDim = dim is null || sum.IntegerArgument("dim") is { } d && d >= int.MinValue && d <= int.MaxValue;
        if (root.Instance is not null && intDim)
        {
            if (dim is not null)
                arguments.Add(TorchSyntax.ArgumentLike(dim, "dim"));
            if (keepdim is not null)
                arguments.Add(TorchSyntax.ArgumentLike(keepdim, "keepdim"));
            replacement = TorchSyntax.InstanceCall(tensor, "norm", arguments.ToArray());
        }
        else
        {
            arguments.Add(TorchSyntax.Argument(tensor));
            if (dim is not null)
            {
                var dims = SyntaxFactory.ParseExpression("new long[] { " + dim.Value.Syntax.WithoutTrivia().ToString() + " }");
                arguments.Add(TorchSyntax.NamedArgument("dims", dims));
            }
            if (keepdim is not null)
                arguments.Add(TorchSyntax.NamedArgument("keepdim", TorchSyntax.Expression(keepdim.Value)));
            // `sqrt(s)` under `using static TorchSharp.torch;` is answered in kind: `linalg.vector_norm(...)`.
            var torch = root.Syntax is InvocationExpressionSyntax { Expression: IdentifierNameSyntax }
                ? null
                : TorchSyntax.ContainerLike(new TorchCall(root), context.Symbols.Torch, TorchSyntax.Torch);
            ExpressionSyntax linalg = torch is null
                ? SyntaxFactory.IdentifierName("linalg")
                : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, torch, SyntaxFactory.IdentifierName("linalg"));
            replacement = TorchSyntax.Call(linalg, "vector_norm", arguments.ToArray());
        }
        yield return context.Replace("Use a norm", EquivalenceKey, root.Syntax, replacement);
    }
}

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1010: rewrites the square root of a sum of squares as a 2-norm of the same tensor: <c>x.norm(d, keepdim)</c> where
/// the user wrote the instance form and the dim is an int constant (Tensor.norm takes an <c>int</c> dim), else
/// <c>torch.linalg.vector_norm(x, dims: new long[] { d }, keepdim: k)</c>. Same forward value; the backward is 0 at 0.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SqrtOfSumOfSquaresCodeFix)), Shared]
public sealed class SqrtOfSumOfSquaresCodeFix : RuleFix<SqrtOfSumOfSquaresAnalyzer, SqrtOfSumOfSquaresMatch>
{
    /// <summary>The equivalence key of the norm rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.SqrtOfSumOfSquares + ".UseNorm";

    internal override IEnumerable<FixAction?> Fix(FixContext context, SqrtOfSumOfSquaresMatch match, Diagnostic diagnostic)
    {
        var (root, sum, x) = (match.Root.Invocation, match.Sum, match.X);
        var dim = sum.Argument("dim");
        var keepdim = sum.Argument("keepdim");
        if (sum.Has("type")
            || !Relocation.CanWriteAt(x, root.Syntax, context.Session)
            || dim is not null && !Relocation.CanWriteAt(dim.Value, root.Syntax, context.Session))
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
                : TorchSyntax.ContainerLike(new TorchCall(root), context.Session.Torch, TorchSyntax.Torch);
            ExpressionSyntax linalg = torch is null
                ? SyntaxFactory.IdentifierName("linalg")
                : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, torch, SyntaxFactory.IdentifierName("linalg"));
            replacement = TorchSyntax.Call(linalg, "vector_norm", arguments.ToArray());
        }
        yield return context.Replace("Use a norm", EquivalenceKey, root.Syntax, replacement);
    }
}

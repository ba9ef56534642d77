using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// NG1015: the "double where". The unsafe input of the branch (x of <c>log(x)</c>, b of <c>a / b</c>) is replaced by
/// <c>torch.where(c, x, torch.ones_like(x))</c> (ones on the side the outer where discards), so the discarded branch
/// computes log(1) = 0 or a / 1 and its gradient stays finite. The kept values are unchanged: exact forward.
/// Offered only where the branch is written inside the where and c and x can be written again (no calls).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsafeWhereCodeFix)), Shared]
public sealed class UnsafeWhereCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the double-where rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.UnsafeWhere + ".DoubleWhere";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnsafeWhere);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.SourceSpan;
        var node = context.Root.FindNode(span, getInnermostNodeForTie: true);
        var where = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>()
            .Select(n => context.Model.GetOperation(n, context.CancellationToken))
            .OfType<IInvocationOperation>()
            .FirstOrDefault(i => i.Syntax.Span != span && context.Symbols.IsOp(i.TargetMethod, "where"));
        if (where is null || !NumericPatterns.IsWhere(new TorchCall(where), context.Symbols, out var condition, out var whenTrue, out var whenFalse))
            yield break;
        var branch = whenTrue.Syntax.Span == span ? whenTrue : whenFalse.Syntax.Span == span ? whenFalse : null;
        if (branch is null
            || !NumericPatterns.IsUnsafeBranch(branch, context.Symbols, out var input, out _)
            || !Relocation.IsInside(input, branch.Syntax)
            || !ValueFlow.IsPure(condition)
            || !ValueFlow.IsPure(input))
            yield break;

        var callLike = new TorchCall(where);
        var x = TorchSyntax.Argument(TorchSyntax.Expression(input));
        var ones = SyntaxFactory.InvocationExpression(
            TorchSyntax.TorchFunctionLike(callLike, context.Symbols.Torch, "ones_like"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(x)));
        var onesArgument = TorchSyntax.Argument(ones);
        var keepsTrue = branch == whenTrue;
        var safe = SyntaxFactory.InvocationExpression(
            TorchSyntax.TorchFunctionLike(callLike, context.Symbols.Torch, "where"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                TorchSyntax.Argument(TorchSyntax.Expression(condition)),
                keepsTrue ? x : onesArgument,
                keepsTrue ? onesArgument : x,
            })));
        yield return context.Replace("Make the input safe inside the where", EquivalenceKey, input.Syntax, safe);
    }
}

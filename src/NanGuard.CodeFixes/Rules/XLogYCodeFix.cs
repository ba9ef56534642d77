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
/// NG1009: rewrites <c>y * torch.log(p)</c> (either way round, either form of log) as <c>torch.xlogy(y, p)</c>, which is
/// the same product except that it is 0, not NaN, where y is 0. TorchSharp has xlogy only as a static of torch.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(XLogYCodeFix)), Shared]
public sealed class XLogYCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the xlogy rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.XLogY + ".UseXLogY";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.XLogY);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IBinaryOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var product)
            || !NumericPatterns.IsXLogY(product, context.Symbols, out var factor, out var log)
            || log.Input is not { } p)
            yield break;
        if (!Relocation.IsInside(p, product.Syntax) && !Relocation.CanEvaluateAt(p, product.Syntax.SpanStart, context.Model))
            yield break;

        var arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
        {
            TorchSyntax.Argument(TorchSyntax.Expression(factor)),
            TorchSyntax.Argument(TorchSyntax.Expression(p)),
        }));
        // `log(p)` under `using static TorchSharp.torch;` is answered in kind: `xlogy(y, p)`.
        ExpressionSyntax callee = log.Invocation.Syntax is InvocationExpressionSyntax { Expression: IdentifierNameSyntax }
            ? SyntaxFactory.IdentifierName("xlogy")
            : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                TorchSyntax.ContainerLike(log, context.Symbols.Torch, TorchSyntax.Torch), SyntaxFactory.IdentifierName("xlogy"));
        var replacement = SyntaxFactory.InvocationExpression(callee, arguments);
        yield return context.Replace("Use torch.xlogy", EquivalenceKey, product.Syntax, replacement);
    }
}

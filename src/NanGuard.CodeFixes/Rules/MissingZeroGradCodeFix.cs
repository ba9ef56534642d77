using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Matching;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG2004: inserts <c>optimizer.zero_grad();</c> as the first statement of the loop body, on the optimizer the step
/// is called on, where that optimizer can be named there (a local declared before the loop, a field, a parameter).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingZeroGradCodeFix)), Shared]
public sealed class MissingZeroGradCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the zero_grad insertion.</summary>
    public const string EquivalenceKey = DiagnosticIds.MissingZeroGrad + ".ZeroGrad";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingZeroGrad);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var step)
            || !TrainingLoop.IsOptimizerStep(step, context.Symbols)
            || step.Instance is not { } optimizer
            || TrainingLoop.EnclosingLoop(step) is not { Body.Syntax: StatementSyntax body }
            || !Relocation.CanEvaluateAt(ValueFlow.SkipConversions(optimizer), FirstPosition(body), context.Model))
            yield break;

        var zeroGrad = SyntaxFactory.ExpressionStatement(
                TorchSyntax.InstanceCall(TorchSyntax.Expression(ValueFlow.SkipConversions(optimizer)), "zero_grad"))
            .WithAdditionalAnnotations(Formatter.Annotation);
        yield return context.Change("Call zero_grad() at the top of the loop", EquivalenceKey, root => Insert(root, body, zeroGrad));
    }

    private static int FirstPosition(StatementSyntax body) =>
        body is BlockSyntax block ? block.OpenBraceToken.Span.End : body.SpanStart;

    private static SyntaxNode Insert(SyntaxNode root, StatementSyntax body, StatementSyntax zeroGrad)
    {
        if (body is BlockSyntax block)
            return root.ReplaceNode(block, block.WithStatements(block.Statements.Insert(0, zeroGrad)));
        var wrapped = SyntaxFactory.Block(zeroGrad, body.WithoutTrivia())
            .WithTriviaFrom(body)
            .WithAdditionalAnnotations(Formatter.Annotation);
        return root.ReplaceNode(body, wrapped);
    }
}

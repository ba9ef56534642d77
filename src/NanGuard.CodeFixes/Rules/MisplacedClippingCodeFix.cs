using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG2005: moves the clipping statement to just before the step. Offered where the clipping is a statement of its own
/// (its value unused) directly in a block, and every local it reads is declared before the step and still in scope there.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MisplacedClippingCodeFix)), Shared]
public sealed class MisplacedClippingCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the move.</summary>
    public const string EquivalenceKey = DiagnosticIds.MisplacedClipping + ".MoveBeforeStep";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MisplacedClipping);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (diagnostic.AdditionalLocations.Count == 0
            || !TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var clip)
            || clip.Parent is not IExpressionStatementOperation { Syntax: ExpressionStatementSyntax clipStatement }
            || clipStatement.Parent is not BlockSyntax
            || context.Root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax stepStatement
            || stepStatement.Parent is not (BlockSyntax or IfStatementSyntax or ElseClauseSyntax)
            || stepStatement.Contains(clipStatement) || clipStatement.Contains(stepStatement)
            || !LocalsVisibleAt(clip, stepStatement.SpanStart, context.Model))
            yield break;

        yield return context.Change("Move the clipping between backward() and step()", EquivalenceKey,
            root => Move(root, clipStatement, stepStatement));
    }

    private static bool LocalsVisibleAt(IOperation clip, int position, SemanticModel model) =>
        clip.Descendants().OfType<ILocalReferenceOperation>().All(local =>
            local.Local.DeclaringSyntaxReferences.FirstOrDefault() is { } declared
            && declared.Span.End <= position
            && model.LookupSymbols(position, name: local.Local.Name).Any(s => SymbolEqualityComparer.Default.Equals(s, local.Local)));

    private static SyntaxNode Move(SyntaxNode root, ExpressionStatementSyntax clip, ExpressionStatementSyntax step)
    {
        var tracked = root.TrackNodes(clip, step);
        var moved = tracked.GetCurrentNode(clip)!;
        tracked = tracked.RemoveNode(moved, SyntaxRemoveOptions.KeepNoTrivia)!;
        var inserted = moved.WithAdditionalAnnotations(Formatter.Annotation);
        var anchor = tracked.GetCurrentNode(step)!;
        if (anchor.Parent is BlockSyntax)
            return tracked.InsertNodesBefore(anchor, new[] { inserted });
        var block = SyntaxFactory.Block(inserted, anchor.WithoutTrivia())
            .WithTriviaFrom(anchor)
            .WithAdditionalAnnotations(Formatter.Annotation);
        return tracked.ReplaceNode(anchor, block);
    }
}

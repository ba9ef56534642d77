namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG2005: moves the clipping statement to just before the step. Offered where the clipping is a statement of its own
/// (its value unused) directly in a block, and every local it reads is declared before the step and still in scope there.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MisplacedClippingCodeFix)), Shared]
public sealed class MisplacedClippingCodeFix : RuleFix<MisplacedClippingAnalyzer, TrainingLoopMatch>
{
    /// <summary>The equivalence key of the move.</summary>
    public const string EquivalenceKey = DiagnosticIds.MisplacedClipping + ".MoveBeforeStep";

    internal override IEnumerable<FixAction?> Fix(FixContext context, TrainingLoopMatch match, Diagnostic diagnostic)
    {
        var clip = match.Reported;
        if (clip.Parent is not IExpressionStatementOperation { Syntax: ExpressionStatementSyntax clipStatement }
            || clipStatement.Parent is not BlockSyntax
            || match.Loop.Step.Syntax.FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax stepStatement
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

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG2005: moves the clipping statement to just before the step: the clip's own statement, or the declaration that
/// keeps its norm (<c>var norm = clip_grad_norm_(...);</c>) where the norm is read only after the step. The match says
/// what moves and where, or why nothing can.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MisplacedClippingCodeFix)), Shared]
public sealed class MisplacedClippingCodeFix : RuleFix<MisplacedClippingAnalyzer, MisplacedClippingMatch>
{
    /// <summary>The equivalence key of the move.</summary>
    public const string EquivalenceKey = DiagnosticIds.MisplacedClipping + ".MoveBeforeStep";

    internal override IEnumerable<FixAction?> Fix(FixContext context, MisplacedClippingMatch match, Diagnostic diagnostic)
    {
        if (match is { Moved: { } moved, Step: { } step })
            yield return context.Change("Move the clipping between backward() and step()", EquivalenceKey, root => Move(root, moved, step));
    }

    private static SyntaxNode Move(SyntaxNode root, StatementSyntax clip, ExpressionStatementSyntax step)
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

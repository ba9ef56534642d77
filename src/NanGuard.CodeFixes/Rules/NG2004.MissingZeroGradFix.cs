namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG2004: inserts <c>optimizer.zero_grad();</c> as the first statement of the loop body, on the optimizer the step
/// is called on, where that optimizer can be named there (a local declared before the loop, a field, a parameter). For a
/// step in a method the loop calls, at the top of that method's body, where its backward() is in that method.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingZeroGradCodeFix)), Shared]
public sealed class MissingZeroGradCodeFix : RuleFix<MissingZeroGradAnalyzer, TrainingLoopMatch>
{
    /// <summary>The equivalence key of the zero_grad insertion.</summary>
    public const string EquivalenceKey = DiagnosticIds.MissingZeroGrad + ".ZeroGrad";

    internal override IEnumerable<FixAction?> Fix(FixContext context, TrainingLoopMatch match, Diagnostic diagnostic)
    {
        var step = match.Loop.Step;
        if (step.Instance is not { } optimizer
            || match.Loop.ZeroGradPlace is not { } body
            || !Relocation.CanEvaluateAt(ValueFlow.SkipConversions(optimizer), FirstPosition(body), context.Model, context.Session))
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

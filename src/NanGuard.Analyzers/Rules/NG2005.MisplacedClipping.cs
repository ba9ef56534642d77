using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2005: gradient clipping in a training loop, but before <c>backward()</c> (it clips the previous gradients) or
/// after <c>step()</c> (it clips gradients already applied), with none between them where it would take effect.
/// Reported at each misplaced clip.
/// </summary>
public sealed class MisplacedClippingAnalyzer : Rule<MisplacedClippingMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.MisplacedClipping;

    private protected override Listens Listen(Listens listens) => listens.Invocations("step");

    internal override IEnumerable<MisplacedClippingMatch> Find(IOperation anchor, Session session)
    {
        if (!TrainingLoop.TryFind((IInvocationOperation)anchor, session, out var loop) || loop.Clipping.IsEmpty
            || loop.ClippingInPlace.Any() || HasOtherSteps(loop, session))
            yield break;
        foreach (var clip in loop.Clipping)
            yield return new MisplacedClippingMatch(loop, clip);
    }

    internal override object?[] MessageArguments(MisplacedClippingMatch match, Session session) => new object?[]
    {
        match.Reported.Syntax.SpanStart < match.Loop.Backward.Syntax.SpanStart ? "before backward()" : "after step()",
    };

    internal override IEnumerable<Location> AdditionalLocations(MisplacedClippingMatch match) =>
        new[] { match.Loop.Step.Syntax.GetLocation(), match.Loop.Backward.Syntax.GetLocation() };

    // With two optimizers in one loop (a GAN), which backward..step a clip belongs to is not clear from its place.
    private static bool HasOtherSteps(TrainingLoop loop, Session session) =>
        loop.Loop.Body.Descendants().OfType<IInvocationOperation>()
            .Any(i => i != loop.Step && TrainingLoop.IsOptimizerStep(i, session));
}

/// <summary>
/// NG2005's finding: the loop, the misplaced clip, and the move that puts it just before the step: the clip's own
/// statement, or the declaration of the norm it returns (<c>var norm = clip_grad_norm_(...);</c>) where every read of
/// the norm comes after the step and still sees the moved declaration.
/// </summary>
public sealed class MisplacedClippingMatch : Match
{
    internal MisplacedClippingMatch(TrainingLoop loop, IOperation clip)
        : base(loop.Step)
    {
        Loop = loop;
        Reported = clip;
        NoFixReason = WhyNoMove(clip, loop.Step, out var moved, out var step);
        Moved = moved;
        Step = step;
    }

    internal TrainingLoop Loop { get; }
    internal override IOperation Reported { get; }

    /// <summary>The statement the fix moves: the clip's expression statement, or the declaration that keeps its norm.</summary>
    internal StatementSyntax? Moved { get; }

    /// <summary>The step's statement, before which the moved statement goes.</summary>
    internal ExpressionStatementSyntax? Step { get; }

    internal override string? NoFixReason { get; }

    private static string? WhyNoMove(IOperation clip, IOperation stepCall, out StatementSyntax? moved, out ExpressionStatementSyntax? step)
    {
        moved = MovedStatement(clip, out var norm);
        step = stepCall.Syntax.FirstAncestorOrSelf<StatementSyntax>() as ExpressionStatementSyntax;
        if (moved is not { Parent: BlockSyntax } || clip.SemanticModel is not { } model)
            return "the clipping is not a statement of its own in a block";
        if (step is not { Parent: BlockSyntax or IfStatementSyntax or ElseClauseSyntax } || step.Contains(moved) || moved.Contains(step))
            return "the step is not a statement of its own";
        if (!LocalsVisibleAt(clip, step.SpanStart, model))
            return "the clipping reads a local that is not in scope before the step";
        if (norm is not null && !IsReadOnlyAfter(norm, moved, step, model))
            return "the norm it returns is read where the declaration moved before the step would not reach";
        return null;
    }

    // The clip's expression statement, or the declaration of the one local its norm initializes.
    private static StatementSyntax? MovedStatement(IOperation clip, out ILocalSymbol? norm)
    {
        norm = null;
        var parent = clip.Parent is IConversionOperation conversion ? conversion.Parent : clip.Parent;
        switch (parent)
        {
            case IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement } when parent == clip.Parent:
                return statement;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                when declarator.Syntax.Parent is VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration }
                    && declaration.UsingKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.None):
                norm = declarator.Symbol;
                return declaration;
            default:
                return null;
        }
    }

    private static bool LocalsVisibleAt(IOperation clip, int position, SemanticModel model) =>
        clip.Descendants().OfType<ILocalReferenceOperation>().All(local =>
            local.Local.DeclaringSyntaxReferences.FirstOrDefault() is { } declared
            && declared.Span.End <= position
            && model.LookupSymbols(position, name: local.Local.Name).Any(s => SymbolEqualityComparer.Default.Equals(s, local.Local)));

    // Every mention of the norm lies after the step, in the step's own block, where the moved declaration still reaches.
    private static bool IsReadOnlyAfter(ILocalSymbol norm, StatementSyntax declaration, ExpressionStatementSyntax step, SemanticModel model) =>
        step.Parent is BlockSyntax block
        && declaration.Parent!.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(identifier => identifier.Identifier.ValueText == norm.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier).Symbol, norm))
            .All(identifier => block.Span.Contains(identifier.Span) && identifier.SpanStart > step.Span.End);
}

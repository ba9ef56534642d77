using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2002: <c>clip_grad_norm_(...);</c> (or <c>_ = clip_grad_norm_(...);</c>) as a statement, its returned norm
/// discarded, followed in the same block by
/// <c>optimizer.step();</c>. TorchSharp has no <c>error_if_nonfinite</c>: a NaN or Inf norm leaves NaN gradients,
/// and the step applies them. A suggestion: the plain clip-then-step is the common idiom.
/// </summary>
public sealed class IgnoredClipNormAnalyzer : Rule<IgnoredClipNormMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.IgnoredClipNorm;

    private protected override Listens Listen(Listens listens) => listens.Invocations("clip_grad_norm_");

    internal override IEnumerable<IgnoredClipNormMatch> Find(IOperation anchor, Session session)
    {
        var clip = (IInvocationOperation)anchor;
        if (session.IsUtil(clip.TargetMethod, "clip_grad_norm_")
            && DiscardingStatement(clip) is { } statement
            && FollowingStep(statement, clip.SemanticModel, session) is { } step)
            yield return new IgnoredClipNormMatch(clip, statement, step);
    }

    internal override IEnumerable<Location> AdditionalLocations(IgnoredClipNormMatch match) =>
        new[] { match.Step.Syntax.GetLocation() };

    /// <summary>The statement that discards the clip's norm: the call alone, or assigned to the discard <c>_</c>.</summary>
    private static ExpressionStatementSyntax? DiscardingStatement(IInvocationOperation clip) => clip.Parent switch
    {
        IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement } => statement,
        ISimpleAssignmentOperation { Target: IDiscardOperation, Parent: IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement } } => statement,
        _ => null,
    };

    /// <summary>The first <c>optimizer.step();</c> statement after <paramref name="statement"/> in the same block.</summary>
    private static IInvocationOperation? FollowingStep(StatementSyntax statement, SemanticModel? model, Session session)
    {
        if (model is null)
            return null;
        foreach (var sibling in StatementList.Following(statement))
        {
            if (sibling is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax expression }
                && model.GetOperation(expression) is IInvocationOperation step
                && TrainingLoop.IsOptimizerStep(step, session)
                && !TrainingLoop.HasClosure(step))
                return step;
        }
        return null;
    }
}

/// <summary>NG2002's finding: the clip, the statement that discards its norm, and the step that follows it.</summary>
public sealed class IgnoredClipNormMatch : Match
{
    internal IgnoredClipNormMatch(IInvocationOperation clip, ExpressionStatementSyntax statement, IInvocationOperation step)
        : base(clip)
    {
        Clip = clip;
        Statement = statement;
        Step = step;
    }

    internal IInvocationOperation Clip { get; }
    internal ExpressionStatementSyntax Statement { get; }
    internal IInvocationOperation Step { get; }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2002: <c>clip_grad_norm_(...);</c> as a statement, its returned norm discarded, followed in the same block by
/// <c>optimizer.step();</c>. TorchSharp has no <c>error_if_nonfinite</c>: a NaN or Inf norm leaves NaN gradients,
/// and the step applies them. A suggestion: the plain clip-then-step is the common idiom.
/// </summary>
public sealed class IgnoredClipNormAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.IgnoredClipNorm);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("clip_grad_norm_", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation clip, TorchSymbols symbols)
    {
        if (!symbols.IsUtil(clip.TargetMethod, "clip_grad_norm_")
            || clip.Parent is not IExpressionStatementOperation { Syntax: StatementSyntax statement }
            || FollowingStep(statement, clip.SemanticModel, symbols) is not { } step)
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.IgnoredClipNorm,
            clip.Syntax.GetLocation(),
            additionalLocations: new[] { step.Syntax.GetLocation() }));
    }

    /// <summary>The first <c>optimizer.step();</c> statement after <paramref name="statement"/> in the same block.</summary>
    private static IInvocationOperation? FollowingStep(StatementSyntax statement, SemanticModel? model, TorchSymbols symbols)
    {
        if (model is null)
            return null;
        foreach (var sibling in StatementList.Following(statement))
        {
            if (sibling is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax expression }
                && model.GetOperation(expression) is IInvocationOperation step
                && TrainingLoop.IsOptimizerStep(step, symbols)
                && !TrainingLoop.HasClosure(step))
                return step;
        }
        return null;
    }
}

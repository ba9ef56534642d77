using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2004: a training loop that calls <c>backward()</c> and <c>step()</c> but never clears the gradients, so that
/// each iteration's gradient adds to all the previous ones. A step under a condition inside the loop is gradient
/// accumulation by design and is not reported.
/// </summary>
public sealed class MissingZeroGradAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.MissingZeroGrad);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("step", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation step, TorchSymbols symbols)
    {
        if (!TrainingLoop.TryFind(step, symbols, out var loop) || loop.ZeroesGradients || loop.IsStepConditional)
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.MissingZeroGrad,
            step.Syntax.GetLocation(),
            additionalLocations: new[] { loop.Backward.Syntax.GetLocation() }));
    }
}

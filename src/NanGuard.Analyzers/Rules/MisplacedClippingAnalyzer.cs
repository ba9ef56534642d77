using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2005: gradient clipping in a training loop, but before <c>backward()</c> (it clips the previous gradients) or
/// after <c>step()</c> (it clips gradients already applied), with none between them where it would take effect.
/// </summary>
public sealed class MisplacedClippingAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.MisplacedClipping);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        // Reported at the clip, which the step reveals: so it listens to the loop that holds both.
        rules.OnLoop((context, loop) => Analyze(context, loop, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, ILoopOperation enclosing, TorchSymbols symbols)
    {
        foreach (var step in enclosing.Body.Descendants().OfType<IInvocationOperation>())
        {
            if (TrainingLoop.IsOptimizerStep(step, symbols) && TrainingLoop.EnclosingLoop(step) == enclosing)
                Analyze(context, step, symbols);
        }
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation step, TorchSymbols symbols)
    {
        if (!TrainingLoop.TryFind(step, symbols, out var loop) || loop.Clipping.IsEmpty || loop.ClippingInPlace.Any()
            || HasOtherSteps(loop, symbols))
            return;
        foreach (var clip in loop.Clipping)
        {
            var where = clip.Syntax.SpanStart < loop.Backward.Syntax.SpanStart ? "before backward()" : "after step()";
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.MisplacedClipping,
                clip.Syntax.GetLocation(),
                additionalLocations: new[] { step.Syntax.GetLocation(), loop.Backward.Syntax.GetLocation() },
                where));
        }
    }

    // With two optimizers in one loop (a GAN), which backward..step a clip belongs to is not clear from its place.
    private static bool HasOtherSteps(TrainingLoop loop, TorchSymbols symbols) =>
        loop.Loop.Body.Descendants().OfType<IInvocationOperation>()
            .Any(i => i != loop.Step && TrainingLoop.IsOptimizerStep(i, symbols));
}

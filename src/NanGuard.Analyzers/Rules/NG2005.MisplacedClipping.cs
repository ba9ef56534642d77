namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2005: gradient clipping in a training loop, but before <c>backward()</c> (it clips the previous gradients) or
/// after <c>step()</c> (it clips gradients already applied), with none between them where it would take effect.
/// Reported at each misplaced clip.
/// </summary>
public sealed class MisplacedClippingAnalyzer : Rule<TrainingLoopMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.MisplacedClipping;

    private protected override Listens Listen(Listens listens) => listens.Invocations("step");

    internal override IEnumerable<TrainingLoopMatch> Find(IOperation anchor, Session session)
    {
        if (!TrainingLoop.TryFind((IInvocationOperation)anchor, session, out var loop) || loop.Clipping.IsEmpty
            || loop.ClippingInPlace.Any() || HasOtherSteps(loop, session))
            yield break;
        foreach (var clip in loop.Clipping)
            yield return new TrainingLoopMatch(loop, clip);
    }

    internal override object?[] MessageArguments(TrainingLoopMatch match, Session session) => new object?[]
    {
        match.Reported.Syntax.SpanStart < match.Loop.Backward.Syntax.SpanStart ? "before backward()" : "after step()",
    };

    internal override IEnumerable<Location> AdditionalLocations(TrainingLoopMatch match) =>
        new[] { match.Loop.Step.Syntax.GetLocation(), match.Loop.Backward.Syntax.GetLocation() };

    // With two optimizers in one loop (a GAN), which backward..step a clip belongs to is not clear from its place.
    private static bool HasOtherSteps(TrainingLoop loop, Session session) =>
        loop.Loop.Body.Descendants().OfType<IInvocationOperation>()
            .Any(i => i != loop.Step && TrainingLoop.IsOptimizerStep(i, session));
}

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2004: a training loop that calls <c>backward()</c> and <c>step()</c> but never clears the gradients, so that
/// each iteration's gradient adds to all the previous ones. A step under a condition inside the loop is gradient
/// accumulation by design and is not reported.
/// </summary>
public sealed class MissingZeroGradAnalyzer : Rule<TrainingLoopMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.MissingZeroGrad;

    private protected override Listens Listen(Listens listens) => listens.Invocations("step");

    internal override IEnumerable<TrainingLoopMatch> Find(IOperation anchor, Session session)
    {
        if (TrainingLoop.TryFind((IInvocationOperation)anchor, session, out var loop) && !loop.ZeroesGradients && !loop.IsStepConditional)
            yield return new TrainingLoopMatch(loop, loop.Step);
    }

    internal override IEnumerable<Location> AdditionalLocations(TrainingLoopMatch match) =>
        new[] { match.Loop.Backward.Syntax.GetLocation() };
}

/// <summary>A training rule's finding: the loop, reported at its step or at a call in it.</summary>
public sealed class TrainingLoopMatch : Match
{
    internal TrainingLoopMatch(TrainingLoop loop, IOperation reported)
        : base(loop.Step)
    {
        Loop = loop;
        Reported = reported;
    }

    internal TrainingLoop Loop { get; }
    internal override IOperation Reported { get; }
}

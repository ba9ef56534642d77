namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2004: a training loop that calls <c>backward()</c> and <c>step()</c> but never clears the gradients, so that
/// each iteration's gradient adds to all the previous ones. A step under a condition inside the loop is gradient
/// accumulation by design and is not reported. A step in a method of the user's own that a loop calls (a training-step
/// helper, a local function) is reported there, once, where no loop that calls it clears the gradients.
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

    internal override IEnumerable<Location> AdditionalLocations(TrainingLoopMatch match) => match.Loop.Locations;
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
    internal override string? NoFixReason => Loop.ZeroGradNoFixReason;
}

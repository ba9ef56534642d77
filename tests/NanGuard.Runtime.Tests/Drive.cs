using System.Collections.Generic;

namespace NanGuard.Runtime.Tests;

/// <summary>Drives an engine the way the TorchSharp glue does: decide, then complete a Step (taking the snapshot it asks for).</summary>
internal static class Drive
{
    internal static StepDecision Step(GuardPolicyEngine engine, double loss, double norm = 1.0)
    {
        var decision = engine.Decide(loss, norm);
        if (decision.Action == StepAction.Step)
        {
            engine.Complete(decision, snapshotTaken: decision.TakeSnapshot);
        }

        return decision;
    }

    internal static List<StepAction> Actions(GuardPolicyEngine engine, params (double Loss, double Norm)[] steps)
    {
        var actions = new List<StepAction>();
        foreach (var (loss, norm) in steps)
        {
            actions.Add(Step(engine, loss, norm).Action);
        }

        return actions;
    }

    internal static void Clean(GuardPolicyEngine engine, int count, double loss = 1.0)
    {
        for (var i = 0; i < count; i++)
        {
            var d = Step(engine, loss);
            Xunit.Assert.Equal(StepAction.Step, d.Action);
        }
    }

    internal static GuardOptions Options(GuardPolicy policy, int maxBad = 10, int snapshotInterval = 100) =>
        new() { Policy = policy, MaxConsecutiveBadSteps = maxBad, SnapshotInterval = snapshotInterval };
}

using System;
using System.Collections.Generic;
using Xunit;

namespace NanGuard.Runtime.Tests;

/// <summary>
/// Seeded random faults over the decision engine, checked against invariants the guard promises whatever happens:
/// never step on a non-finite loss or norm; the known-good state is only ever from a finite step that completed, and
/// is never lost; the consecutive bad-step limit always stops; rollback only to a state that exists.
/// </summary>
public sealed class FaultInjectionTests
{
    public static IEnumerable<object[]> Seeds()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            yield return new object[] { seed };
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Invariants_hold_under_random_faults(int seed)
    {
        var random = new Random(seed);
        var policy = (GuardPolicy)(seed % 4);
        var options = new GuardOptions
        {
            Policy = policy,
            MaxConsecutiveBadSteps = random.Next(1, 6),
            SnapshotInterval = random.Next(1, 8),
            RecoverySteps = random.Next(1, 5),
            BackOffFactor = 0.5,
            MinLearningRateScale = 0.01,
            SpikeDetection = random.Next(2) == 0 ? null : new SpikeOptions { WarmupSteps = random.Next(1, 5), SpikeFactor = 3.0 },
        };
        var engine = new GuardPolicyEngine(options);

        var finiteCompletedWithSnapshot = new HashSet<long>();
        var consecutiveBad = 0;
        long taken = 0, skipped = 0;
        long? lastSnapshot = null;

        for (var i = 0; i < 400; i++)
        {
            if (random.NextDouble() < 0.05)
            {
                var requested = engine.RequestRollback();
                Assert.Equal(lastSnapshot.HasValue ? StepAction.Rollback : StepAction.Skip, requested.Action);
                Assert.Equal(lastSnapshot, engine.SnapshotStep);
                continue;
            }

            var (loss, norm) = Draw(random);
            var hadSnapshot = engine.HasSnapshot;
            var decision = engine.Decide(loss, norm);

            if (decision.Action == StepAction.Step)
            {
                Assert.True(IsFinite(loss) && IsFinite(norm), $"seed {seed}: stepped on loss {loss}, norm {norm}");
                if (random.NextDouble() < 0.07)
                {
                    var after = engine.Fail(decision, "injected");
                    consecutiveBad++;
                    skipped++;
                    CheckBad(after, consecutiveBad, options, hadSnapshot, seed);
                }
                else
                {
                    var captured = decision.TakeSnapshot && random.NextDouble() > 0.1;
                    engine.Complete(decision, captured);
                    consecutiveBad = 0;
                    taken++;
                    if (captured)
                    {
                        finiteCompletedWithSnapshot.Add(decision.StepIndex);
                        lastSnapshot = decision.StepIndex;
                    }
                }
            }
            else
            {
                consecutiveBad++;
                skipped++;
                Assert.NotNull(decision.Diagnosis);
                CheckBad(decision, consecutiveBad, options, hadSnapshot, seed);
            }

            Assert.False(engine.IsAwaitingCompletion);
            if (hadSnapshot)
            {
                Assert.True(engine.HasSnapshot, $"seed {seed}: the known-good state was lost at step {decision.StepIndex}");
            }

            if (engine.SnapshotStep is long snap)
            {
                Assert.Contains(snap, finiteCompletedWithSnapshot);
            }

            Assert.Equal(lastSnapshot, engine.SnapshotStep);
            var stats = engine.Statistics;
            Assert.Equal(taken, stats.StepsTaken);
            Assert.Equal(skipped, stats.StepsSkipped);
            Assert.Equal(consecutiveBad, stats.ConsecutiveBadSteps);
            Assert.InRange(engine.LearningRateScale, options.MinLearningRateScale, 1.0);
        }
    }

    private static void CheckBad(StepDecision decision, int consecutiveBad, GuardOptions options, bool hadSnapshot, int seed)
    {
        Assert.NotEqual(StepAction.Step, decision.Action);
        Assert.Equal(consecutiveBad, decision.Diagnosis!.ConsecutiveBadSteps);
        if (consecutiveBad >= options.MaxConsecutiveBadSteps)
        {
            Assert.True(decision.Action == StepAction.Stop, $"seed {seed}: limit reached but {decision.Action}");
        }
        else if (decision.Action == StepAction.Stop)
        {
            Assert.Equal(GuardPolicy.Throw, options.Policy);
        }

        if (decision.Action == StepAction.Rollback)
        {
            Assert.True(hadSnapshot, $"seed {seed}: rolled back with no known-good state");
        }

        if (decision.Action == StepAction.BackOff)
        {
            Assert.Equal(GuardPolicy.BackOff, options.Policy);
        }
    }

    private static (double Loss, double Norm) Draw(Random random)
    {
        var loss = 0.5 + random.NextDouble();
        var norm = random.NextDouble() * 5;
        switch (random.Next(10))
        {
            case 0: return (double.NaN, norm);
            case 1: return (double.PositiveInfinity, norm);
            case 2: return (loss, double.PositiveInfinity);
            case 3: return (loss, double.NaN);
            case 4: return (loss * 100, norm);
            default: return (loss, norm);
        }
    }

    private static bool IsFinite(double x) => !double.IsNaN(x) && !double.IsInfinity(x);
}

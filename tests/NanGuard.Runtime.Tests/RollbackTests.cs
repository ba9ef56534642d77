using Xunit;
using static NanGuard.Runtime.StepAction;

namespace NanGuard.Runtime.Tests;

public sealed class RollbackTests
{
    [Fact]
    public void The_first_clean_step_and_then_every_interval_asks_for_a_snapshot()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback, snapshotInterval: 3));
        var asked = new System.Collections.Generic.List<long>();
        for (var i = 0; i < 8; i++)
        {
            var d = Drive.Step(engine, 1.0);
            if (d.TakeSnapshot)
            {
                asked.Add(d.StepIndex);
            }
        }

        Assert.Equal(new long[] { 1, 4, 7 }, asked);
        Assert.Equal(7, engine.SnapshotStep);
        Assert.Equal(3, engine.Statistics.SnapshotsTaken);
    }

    [Theory]
    [InlineData(GuardPolicy.Skip)]
    [InlineData(GuardPolicy.BackOff)]
    [InlineData(GuardPolicy.Throw)]
    public void Snapshots_are_kept_only_under_the_rollback_policy(GuardPolicy policy)
    {
        var engine = new GuardPolicyEngine(Drive.Options(policy, snapshotInterval: 1));
        Assert.False(Drive.Step(engine, 1.0).TakeSnapshot);
        Assert.False(engine.HasSnapshot);
    }

    [Fact]
    public void A_bad_step_rolls_back_to_the_last_snapshot()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback, snapshotInterval: 2));
        Drive.Clean(engine, 4);

        var d = Drive.Step(engine, double.NaN);

        Assert.Equal(Rollback, d.Action);
        Assert.Equal(3, d.Diagnosis!.SnapshotStep);
        Assert.Contains("after step 3", d.Diagnosis.ToString(), System.StringComparison.Ordinal);
        Assert.Equal(3, engine.SnapshotStep);
        Assert.Equal(1, engine.Statistics.Rollbacks);
    }

    [Fact]
    public void Rollback_before_any_good_state_skips_and_says_so()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback));

        var d = Drive.Step(engine, 1.0, double.PositiveInfinity);

        Assert.Equal(Skip, d.Action);
        Assert.True(d.Diagnosis!.RollbackUnavailable);
        Assert.Contains("no known-good state", d.Diagnosis.ToString(), System.StringComparison.Ordinal);
        Assert.Equal(0, engine.Statistics.Rollbacks);
    }

    [Fact]
    public void A_requested_rollback_before_any_good_state_changes_nothing()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback));
        Drive.Step(engine, double.NaN);
        var before = engine.Statistics;

        var d = engine.RequestRollback();

        Assert.Equal(Skip, d.Action);
        Assert.True(d.Diagnosis!.RollbackUnavailable);
        Assert.Equal(IncidentKind.RollbackRequested, d.Diagnosis.Kind);
        var after = engine.Statistics;
        Assert.Equal(before.Rollbacks, after.Rollbacks);
        Assert.Equal(before.ConsecutiveBadSteps, after.ConsecutiveBadSteps);
        Assert.Equal(before.StepsObserved, after.StepsObserved);
        Assert.False(engine.HasSnapshot);
    }

    [Fact]
    public void A_requested_rollback_after_a_good_state_rolls_back_and_keeps_the_state()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback, snapshotInterval: 1));
        Drive.Clean(engine, 2);

        Assert.Equal(Rollback, engine.RequestRollback().Action);
        Assert.Equal(Rollback, engine.RequestRollback().Action);
        Assert.Equal(2, engine.SnapshotStep);
        Assert.Equal(2, engine.Statistics.Rollbacks);
    }

    [Fact]
    public void Repeated_rollbacks_restore_the_same_state_and_still_stop_at_the_limit()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback, maxBad: 3, snapshotInterval: 1));
        Drive.Clean(engine, 5);

        var actions = Drive.Actions(engine, (double.NaN, 1), (double.NaN, 1), (double.NaN, 1));

        Assert.Equal(new[] { Rollback, Rollback, Stop }, actions);
        Assert.Equal(5, engine.SnapshotStep);
    }

    [Fact]
    public void A_snapshot_that_could_not_be_taken_keeps_the_old_one_and_is_asked_again()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback, snapshotInterval: 2));
        Drive.Clean(engine, 2);
        Assert.Equal(1, engine.SnapshotStep);

        var due = engine.Decide(1.0, 1.0);
        Assert.True(due.TakeSnapshot);
        engine.Complete(due, snapshotTaken: false);
        Assert.Equal(1, engine.SnapshotStep);

        var again = engine.Decide(1.0, 1.0);
        Assert.True(again.TakeSnapshot);
        engine.Complete(again, snapshotTaken: true);
        Assert.Equal(4, engine.SnapshotStep);
    }

    [Fact]
    public void A_step_that_throws_records_no_snapshot_and_rolls_back_to_the_previous_one()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Rollback, snapshotInterval: 1));
        Drive.Clean(engine, 3);

        var pending = engine.Decide(1.0, 1.0);
        Assert.True(pending.TakeSnapshot);
        var after = engine.Fail(pending, "CUDA out of memory");

        Assert.Equal(Rollback, after.Action);
        Assert.Equal(IncidentKind.StepFailed, after.Diagnosis!.Kind);
        Assert.Contains("CUDA out of memory", after.Diagnosis.ToString(), System.StringComparison.Ordinal);
        Assert.Equal(3, engine.SnapshotStep);
        Assert.Equal(3, engine.Statistics.StepsTaken);
        Assert.Equal(1, engine.Statistics.FailedSteps);
        Assert.Equal(1, engine.Statistics.ConsecutiveBadSteps);
        Assert.False(engine.IsAwaitingCompletion);
    }

    [Theory]
    [InlineData(GuardPolicy.Skip, Skip)]
    [InlineData(GuardPolicy.BackOff, Skip)]
    [InlineData(GuardPolicy.Rollback, Skip)]
    [InlineData(GuardPolicy.Throw, Stop)]
    public void A_step_that_throws_before_any_snapshot(GuardPolicy policy, StepAction expected)
    {
        var engine = new GuardPolicyEngine(Drive.Options(policy));
        var pending = engine.Decide(1.0, 1.0);

        Assert.Equal(expected, engine.Fail(pending, null).Action);
        Assert.False(engine.HasSnapshot);
        Assert.Equal(0, engine.Statistics.StepsTaken);
    }
}

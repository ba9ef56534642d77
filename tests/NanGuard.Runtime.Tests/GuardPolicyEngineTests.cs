using System;
using Xunit;
using static NanGuard.Runtime.StepAction;

namespace NanGuard.Runtime.Tests;

public sealed class GuardPolicyEngineTests
{
    private const double NaN = double.NaN;
    private const double Inf = double.PositiveInfinity;

    [Fact]
    public void Finite_loss_and_norm_step_and_are_counted()
    {
        var engine = new GuardPolicyEngine(new GuardOptions());

        var d = engine.Decide(0.7, 3.5);
        Assert.Equal(Step, d.Action);
        Assert.True(d.Steps);
        Assert.Null(d.Diagnosis);
        engine.Complete(d, snapshotTaken: false);

        var s = engine.Statistics;
        Assert.Equal(1, s.StepsObserved);
        Assert.Equal(1, s.StepsTaken);
        Assert.Equal(0, s.StepsSkipped);
        Assert.Equal(3.5, s.LastFiniteNorm);
        Assert.Equal(0.7, s.LastFiniteLoss);
    }

    [Theory]
    [InlineData(GuardPolicy.Skip, Skip)]
    [InlineData(GuardPolicy.BackOff, BackOff)]
    [InlineData(GuardPolicy.Rollback, Skip)]
    [InlineData(GuardPolicy.Throw, Stop)]
    public void NaN_on_the_very_first_step_never_steps(GuardPolicy policy, StepAction expected)
    {
        var engine = new GuardPolicyEngine(Drive.Options(policy));

        var d = engine.Decide(NaN, 1.0);

        Assert.Equal(expected, d.Action);
        Assert.False(engine.IsAwaitingCompletion);
        Assert.Equal(IncidentKind.NonFiniteLoss, d.Diagnosis!.Kind);
        Assert.Null(d.Diagnosis.LastFiniteNorm);
        Assert.Equal(policy == GuardPolicy.Rollback, d.Diagnosis.RollbackUnavailable);
        Assert.False(engine.HasSnapshot);
        Assert.Equal(0, engine.Statistics.StepsTaken);
        Assert.Equal(1, engine.Statistics.StepsSkipped);
    }

    [Theory]
    [InlineData(Inf)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(NaN)]
    public void Non_finite_norm_with_finite_loss_is_skipped_as_a_norm_incident(double norm)
    {
        var engine = new GuardPolicyEngine(new GuardOptions());

        var d = engine.Decide(0.5, norm);

        Assert.Equal(Skip, d.Action);
        Assert.Equal(IncidentKind.NonFiniteGradientNorm, d.Diagnosis!.Kind);
        Assert.Equal(1, engine.Statistics.NonFiniteGradientNorms);
        Assert.Equal(0, engine.Statistics.NonFiniteLosses);
    }

    [Fact]
    public void Non_finite_loss_is_reported_before_non_finite_norm()
    {
        var engine = new GuardPolicyEngine(new GuardOptions());
        Assert.Equal(IncidentKind.NonFiniteLoss, engine.Decide(Inf, NaN).Diagnosis!.Kind);
    }

    [Fact]
    public void Last_finite_norm_is_the_norm_of_the_last_step_taken_not_of_a_skipped_one()
    {
        var engine = new GuardPolicyEngine(new GuardOptions());
        Drive.Step(engine, 1.0, 2.5);
        Drive.Step(engine, 1.0, Inf);
        var d = Drive.Step(engine, NaN, 7.0);

        Assert.Equal(2.5, engine.Statistics.LastFiniteNorm);
        Assert.Equal(2.5, d.Diagnosis!.LastFiniteNorm);
        Assert.Equal(7.0, d.Diagnosis.GradientNorm);
    }

    [Theory]
    [InlineData(GuardPolicy.Skip)]
    [InlineData(GuardPolicy.BackOff)]
    [InlineData(GuardPolicy.Rollback)]
    public void The_configured_number_of_bad_steps_in_a_row_stops_whatever_the_policy(GuardPolicy policy)
    {
        var engine = new GuardPolicyEngine(Drive.Options(policy, maxBad: 4, snapshotInterval: 1));
        Drive.Clean(engine, 2);

        var actions = Drive.Actions(engine, (NaN, 1), (1, Inf), (NaN, NaN), (Inf, 1));

        Assert.DoesNotContain(Stop, actions.GetRange(0, 3));
        Assert.Equal(Stop, actions[3]);
        var s = engine.Statistics;
        Assert.Equal(1, s.Stops);
        Assert.Equal(4, s.ConsecutiveBadSteps);
    }

    [Fact]
    public void The_stop_diagnosis_says_the_limit_was_reached()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Skip, maxBad: 2));
        Drive.Step(engine, NaN);
        var d = Drive.Step(engine, NaN);

        Assert.True(d.Diagnosis!.LimitReached);
        Assert.Contains("limit", d.Diagnosis.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_step_resets_the_consecutive_count_so_alternating_faults_never_stop()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Skip, maxBad: 2));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(Skip, Drive.Step(engine, NaN).Action);
            Assert.Equal(Step, Drive.Step(engine, 1.0).Action);
        }

        Assert.Equal(0, engine.Statistics.Stops);
        Assert.Equal(50, engine.Statistics.StepsTaken);
        Assert.Equal(50, engine.Statistics.StepsSkipped);
    }

    [Fact]
    public void Throw_policy_stops_at_the_first_bad_step_with_a_diagnosis()
    {
        var engine = new GuardPolicyEngine(Drive.Options(GuardPolicy.Throw));
        Drive.Clean(engine, 3);

        var d = Drive.Step(engine, 1.0, Inf);

        Assert.Equal(Stop, d.Action);
        Assert.Equal(4, d.Diagnosis!.StepIndex);
        Assert.Equal(IncidentKind.NonFiniteGradientNorm, d.Diagnosis.Kind);
        var ex = new NonFiniteTrainingException(d.Diagnosis);
        Assert.Same(d.Diagnosis, ex.Diagnosis);
        Assert.Contains("gradient norm is not finite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_decision_must_be_completed_before_the_next_one()
    {
        var engine = new GuardPolicyEngine(new GuardOptions());
        var d = engine.Decide(1.0, 1.0);

        Assert.True(engine.IsAwaitingCompletion);
        Assert.Throws<InvalidOperationException>(() => engine.Decide(1.0, 1.0));
        Assert.Throws<InvalidOperationException>(() => engine.RequestRollback());
        engine.Complete(d, false);
        Assert.Throws<InvalidOperationException>(() => engine.Complete(d, false));
        Assert.Equal("decision", Assert.Throws<ArgumentNullException>(() => engine.Complete(null!, false)).ParamName);
    }

    [Fact]
    public void A_decision_from_another_engine_is_refused()
    {
        var a = new GuardPolicyEngine(new GuardOptions());
        var b = new GuardPolicyEngine(new GuardOptions());
        var fromA = a.Decide(1.0, 1.0);
        b.Decide(1.0, 1.0);

        Assert.Throws<InvalidOperationException>(() => b.Complete(fromA, false));
        Assert.True(b.IsAwaitingCompletion);
    }

    [Fact]
    public void Loss_only_decisions_step_on_finite_losses_and_leave_the_norm_unknown()
    {
        var engine = new GuardPolicyEngine(new GuardOptions());
        var d = engine.Decide(0.3);
        engine.Complete(d, false);
        var bad = engine.Decide(NaN);

        Assert.Equal(Step, d.Action);
        Assert.Equal(Skip, bad.Action);
        Assert.Null(bad.Diagnosis!.GradientNorm);
        Assert.Null(engine.Statistics.LastFiniteNorm);
    }
}

using Xunit;
using static NanGuard.Runtime.StepAction;

namespace NanGuard.Runtime.Tests;

public sealed class BackOffTests
{
    private static GuardOptions Options(int recoverySteps = 3, double factor = 0.5, double growth = 2.0, double min = 1e-4, int maxBad = 100) =>
        new()
        {
            Policy = GuardPolicy.BackOff,
            RecoverySteps = recoverySteps,
            BackOffFactor = factor,
            RecoveryFactor = growth,
            MinLearningRateScale = min,
            MaxConsecutiveBadSteps = maxBad,
        };

    [Fact]
    public void Each_bad_step_multiplies_the_scale_by_the_factor()
    {
        var engine = new GuardPolicyEngine(Options(factor: 0.1));

        var first = Drive.Step(engine, double.NaN);
        var second = Drive.Step(engine, 1.0, double.PositiveInfinity);

        Assert.Equal(BackOff, first.Action);
        Assert.Equal(1.0, first.PreviousLearningRateScale);
        Assert.Equal(0.1, first.LearningRateScale, 12);
        Assert.True(first.ChangesLearningRate);
        Assert.Equal(0.01, second.LearningRateScale, 12);
        Assert.Equal(0.01, engine.LearningRateScale, 12);
        Assert.Equal(2, engine.Statistics.BackOffs);
    }

    [Fact]
    public void The_scale_never_falls_below_the_minimum()
    {
        var engine = new GuardPolicyEngine(Options(min: 0.2));
        for (var i = 0; i < 10; i++)
        {
            Drive.Step(engine, double.NaN);
        }

        Assert.Equal(0.2, engine.LearningRateScale, 12);
    }

    [Fact]
    public void The_scale_recovers_after_the_configured_clean_streak_and_not_before()
    {
        var engine = new GuardPolicyEngine(Options(recoverySteps: 3));
        Drive.Step(engine, double.NaN);
        Drive.Step(engine, double.NaN);
        Assert.Equal(0.25, engine.LearningRateScale, 12);

        var c1 = Drive.Step(engine, 1.0);
        var c2 = Drive.Step(engine, 1.0);
        Assert.Equal(0.25, engine.LearningRateScale, 12);
        Assert.False(c1.ChangesLearningRate);
        Assert.False(c2.ChangesLearningRate);

        var c3 = Drive.Step(engine, 1.0);
        Assert.Equal(Step, c3.Action);
        Assert.True(c3.ChangesLearningRate);
        Assert.Equal(0.5, c3.LearningRateScale, 12);
        Assert.Equal(0.5, engine.LearningRateScale, 12);
        Assert.Equal(1, engine.Statistics.Recoveries);
    }

    [Fact]
    public void Recovery_never_raises_the_rate_above_where_it_started()
    {
        var engine = new GuardPolicyEngine(Options(recoverySteps: 1, factor: 0.9, growth: 10));
        Drive.Step(engine, double.NaN);
        Drive.Clean(engine, 5);

        Assert.Equal(1.0, engine.LearningRateScale);
        Assert.Equal(1, engine.Statistics.Recoveries);
    }

    [Fact]
    public void A_bad_step_in_the_streak_restarts_the_recovery_count()
    {
        var engine = new GuardPolicyEngine(Options(recoverySteps: 3));
        Drive.Step(engine, double.NaN);
        Drive.Clean(engine, 2);
        Drive.Step(engine, double.NaN);
        Assert.Equal(0.25, engine.LearningRateScale, 12);
        Drive.Clean(engine, 2);
        Assert.Equal(0.25, engine.LearningRateScale, 12);
        Drive.Clean(engine, 1);
        Assert.Equal(0.5, engine.LearningRateScale, 12);
    }

    [Fact]
    public void A_failed_step_does_not_count_as_clean_for_recovery()
    {
        var engine = new GuardPolicyEngine(Options(recoverySteps: 2));
        Drive.Step(engine, double.NaN);
        Drive.Clean(engine, 1);
        var pending = engine.Decide(1.0, 1.0);
        Assert.True(pending.ChangesLearningRate);

        var after = engine.Fail(pending, "boom");

        Assert.Equal(Skip, after.Action);
        Assert.False(after.ChangesLearningRate);
        Assert.Equal(0.5, engine.LearningRateScale, 12);

        // The streak restarts after the failure: one clean step is not enough, two are.
        Drive.Clean(engine, 1);
        Assert.Equal(0.5, engine.LearningRateScale, 12);
        Drive.Clean(engine, 1);
        Assert.Equal(1.0, engine.LearningRateScale, 12);
    }

    [Fact]
    public void Scheduler_alone_behaves_like_a_grad_scaler()
    {
        var s = new LearningRateBackOff(Options(recoverySteps: 2));
        Assert.Equal(1.0, s.Scale);
        Assert.False(s.OnCleanStep());
        Assert.Equal(0.5, s.BackOff());
        Assert.Equal(0.5, s.PeekCleanStep());
        Assert.False(s.OnCleanStep());
        Assert.Equal(1.0, s.PeekCleanStep());
        Assert.True(s.OnCleanStep());
        Assert.Equal(1.0, s.Scale);
    }
}

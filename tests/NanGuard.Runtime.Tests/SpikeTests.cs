using Xunit;
using static NanGuard.Runtime.StepAction;

namespace NanGuard.Runtime.Tests;

public sealed class SpikeTests
{
    private static SpikeOptions Spikes(int warmup = 3, double factor = 2.0, double smoothing = 0.5) =>
        new() { WarmupSteps = warmup, SpikeFactor = factor, Smoothing = smoothing };

    [Fact]
    public void No_spike_is_reported_during_warmup()
    {
        var d = new SpikeDetector(Spikes(warmup: 3));
        d.Accept(1.0);
        d.Accept(1.0);
        Assert.Null(d.Threshold);
        Assert.False(d.IsSpike(1000.0));
        d.Accept(1.0);
        Assert.True(d.IsSpike(1000.0));
    }

    [Fact]
    public void The_average_is_bias_corrected_so_a_constant_loss_averages_to_itself()
    {
        var d = new SpikeDetector(Spikes(smoothing: 0.9));
        d.Accept(4.0);
        Assert.Equal(4.0, d.Average!.Value, 12);
        d.Accept(4.0);
        d.Accept(4.0);
        Assert.Equal(4.0, d.Average!.Value, 12);
    }

    [Fact]
    public void A_positive_loss_spikes_above_factor_times_the_average()
    {
        var d = new SpikeDetector(Spikes(factor: 3.0));
        for (var i = 0; i < 5; i++)
        {
            d.Accept(2.0);
        }

        Assert.Equal(6.0, d.Threshold!.Value, 9);
        Assert.False(d.IsSpike(5.99));
        Assert.True(d.IsSpike(6.01));
    }

    [Fact]
    public void A_negative_average_is_measured_by_its_magnitude()
    {
        var d = new SpikeDetector(Spikes(factor: 2.0));
        for (var i = 0; i < 5; i++)
        {
            d.Accept(-10.0);
        }

        Assert.Equal(0.0, d.Threshold!.Value, 9);
        Assert.False(d.IsSpike(-5.0));
        Assert.True(d.IsSpike(0.5));
    }

    [Fact]
    public void A_loss_near_zero_is_measured_against_the_minimum_scale()
    {
        var d = new SpikeDetector(new SpikeOptions { WarmupSteps = 1, SpikeFactor = 2.0, MinimumScale = 0.01 });
        d.Accept(1e-6);
        Assert.False(d.IsSpike(1e-4));
        Assert.True(d.IsSpike(0.02));
    }

    [Fact]
    public void Non_finite_losses_are_not_spikes_and_stay_out_of_the_average()
    {
        var d = new SpikeDetector(Spikes(warmup: 1));
        d.Accept(1.0);
        d.Accept(double.NaN);
        d.Accept(double.PositiveInfinity);
        Assert.Equal(1, d.AcceptedCount);
        Assert.Equal(1.0, d.Average!.Value, 12);
        Assert.False(d.IsSpike(double.PositiveInfinity));
    }

    [Fact]
    public void The_engine_skips_a_spike_and_keeps_it_out_of_the_average()
    {
        var engine = new GuardPolicyEngine(new GuardOptions { SpikeDetection = Spikes(warmup: 3, factor: 2.0) });
        Drive.Clean(engine, 3, loss: 1.0);

        var spike = Drive.Step(engine, 5.0);
        var again = Drive.Step(engine, 5.0);

        Assert.Equal(Skip, spike.Action);
        Assert.Equal(IncidentKind.LossSpike, spike.Diagnosis!.Kind);
        Assert.Contains("Moving average 1", spike.Diagnosis.ToString(), System.StringComparison.Ordinal);
        Assert.Equal(Skip, again.Action);
        Assert.Equal(2, engine.Statistics.LossSpikes);
        Assert.Equal(Step, Drive.Step(engine, 1.5).Action);
    }

    [Fact]
    public void Spikes_back_off_under_the_back_off_policy()
    {
        var engine = new GuardPolicyEngine(new GuardOptions { Policy = GuardPolicy.BackOff, SpikeDetection = Spikes() });
        Drive.Clean(engine, 3);

        var d = Drive.Step(engine, 100.0);

        Assert.Equal(BackOff, d.Action);
        Assert.Equal(0.5, d.LearningRateScale);
    }

    [Fact]
    public void A_spike_right_after_a_rollback_is_judged_against_the_average_of_the_restored_state()
    {
        // Loss falls from 10 to 1 after the snapshot; the restored weights then give about 10 again. Against the
        // post-snapshot average (about 1) that would be a spike and roll back forever; against the average kept with
        // the snapshot (10) it is normal.
        var engine = new GuardPolicyEngine(new GuardOptions
        {
            Policy = GuardPolicy.Rollback,
            SnapshotInterval = 1000,
            MaxConsecutiveBadSteps = 5,
            SpikeDetection = Spikes(warmup: 1, factor: 2.0, smoothing: 0.5),
        });
        Drive.Clean(engine, 1, loss: 10.0);
        Assert.Equal(1, engine.SnapshotStep);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(Step, Drive.Step(engine, 1.0).Action);
        }

        Assert.Equal(Rollback, Drive.Step(engine, double.NaN).Action);
        var afterRollback = Drive.Step(engine, 10.0);

        Assert.Equal(Step, afterRollback.Action);
    }

    [Fact]
    public void A_true_spike_right_after_a_rollback_rolls_back_again_and_stops_at_the_limit()
    {
        var engine = new GuardPolicyEngine(new GuardOptions
        {
            Policy = GuardPolicy.Rollback,
            SnapshotInterval = 1,
            MaxConsecutiveBadSteps = 3,
            SpikeDetection = Spikes(warmup: 3, factor: 2.0),
        });
        Drive.Clean(engine, 4, loss: 1.0);

        var actions = Drive.Actions(engine, (double.NaN, 1.0), (50.0, 1.0), (50.0, 1.0));

        Assert.Equal(new[] { Rollback, Rollback, Stop }, actions);
        Assert.Equal(4, engine.SnapshotStep);
    }
}

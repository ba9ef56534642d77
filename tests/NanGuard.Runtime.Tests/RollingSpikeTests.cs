using System;
using System.Linq;
using Xunit;

namespace NanGuard.Runtime.Tests;

/// <summary>OLMo-core's skip-step rule: a loss or gradient norm more than 6 standard deviations above a rolling window of 128.</summary>
public sealed class RollingSpikeTests
{
    /// <summary>Losses alternating 1 and 3: mean 2, sample standard deviation just above 1.</summary>
    private static SpikeDetector Warmed(SpikeOptions options, int count)
    {
        var d = new SpikeDetector(options);
        for (var i = 0; i < count; i++)
        {
            d.Accept(i % 2 == 0 ? 1.0 : 3.0, i % 2 == 0 ? 10.0 : 30.0);
        }

        return d;
    }

    private static double SampleStd(int count) => Math.Sqrt(count / (count - 1.0));

    [Fact]
    public void The_defaults_are_OLMo_cores_window_of_128_six_sigma_judged_from_64_values()
    {
        var options = SpikeOptions.RollingSigma();
        Assert.Equal(SpikeRule.RollingSigma, options.Rule);
        Assert.Equal(128, options.Window);
        Assert.Equal(6.0, options.SigmaFactor);
        Assert.Equal(64, options.WarmupSteps);

        var d = Warmed(options, 63);
        Assert.Null(d.Threshold);
        Assert.False(d.IsSpike(1e9));
        d.Accept(3.0);
        Assert.True(d.IsSpike(1e9));
    }

    [Fact]
    public void A_loss_spikes_just_above_mean_plus_six_sigma_and_not_just_below()
    {
        var d = Warmed(SpikeOptions.RollingSigma(), 128);
        var threshold = 2.0 + (6 * SampleStd(128));
        Assert.Equal(threshold, d.Threshold!.Value, 9);
        Assert.True(d.IsSpike(threshold + 1e-6));
        Assert.False(d.IsSpike(threshold - 1e-6));
        Assert.False(d.IsSpike(-1e9));
    }

    [Fact]
    public void The_gradient_norm_is_judged_against_its_own_window()
    {
        var d = Warmed(SpikeOptions.RollingSigma(), 128);
        var threshold = 20.0 + (60 * SampleStd(128));
        Assert.Equal(threshold, d.NormThreshold!.Value, 8);
        Assert.True(d.IsNormSpike(threshold + 1e-5));
        Assert.False(d.IsNormSpike(threshold - 1e-5));
    }

    [Fact]
    public void Only_the_last_window_of_values_counts()
    {
        var d = new SpikeDetector(SpikeOptions.RollingSigma(window: 4, sigmaFactor: 1.0));
        foreach (var loss in new[] { 100.0, -100.0, 1.0, 3.0, 1.0, 3.0 })
        {
            d.Accept(loss);
        }

        // The window holds 1, 3, 1, 3: mean 2, std 2/sqrt(3); the early 100 and -100 are gone.
        Assert.Equal(2.0, d.Average!.Value, 12);
        Assert.Equal(2.0 + (2 / Math.Sqrt(3)), d.Threshold!.Value, 12);
    }

    [Fact]
    public void The_engine_skips_a_loss_spike_and_a_norm_spike_and_keeps_them_out_of_the_window()
    {
        var engine = new GuardPolicyEngine(new GuardOptions { SpikeDetection = SpikeOptions.RollingSigma(window: 8, sigmaFactor: 6) });
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(StepAction.Step, Drive.Step(engine, i % 2 == 0 ? 1.0 : 3.0, i % 2 == 0 ? 1.0 : 2.0).Action);
        }

        var lossSpike = Drive.Step(engine, 100.0, 1.5);
        Assert.Equal(IncidentKind.LossSpike, lossSpike.Diagnosis!.Kind);
        var normSpike = Drive.Step(engine, 2.0, 100.0);
        Assert.Equal(IncidentKind.GradientNormSpike, normSpike.Diagnosis!.Kind);
        Assert.Equal(StepAction.Skip, normSpike.Action);
        Assert.Equal(StepAction.Step, Drive.Step(engine, 2.0, 1.5).Action);
        Assert.Equal(StepAction.Step, Drive.Step(engine, 1.0, 1.0).Action);

        var statistics = engine.Statistics;
        Assert.Equal(1, statistics.LossSpikes);
        Assert.Equal(1, statistics.GradientNormSpikes);
        // The same spikes again: had they entered the window, it would have widened and let them through.
        Assert.Equal(IncidentKind.LossSpike, Drive.Step(engine, 100.0, 1.5).Diagnosis!.Kind);
        Assert.Equal(IncidentKind.GradientNormSpike, Drive.Step(engine, 2.0, 100.0).Diagnosis!.Kind);
    }

    [Fact]
    public void The_moving_average_rule_ignores_the_gradient_norm()
    {
        var engine = new GuardPolicyEngine(new GuardOptions { SpikeDetection = new SpikeOptions { WarmupSteps = 2 } });
        Drive.Clean(engine, 5);
        Assert.Equal(StepAction.Step, Drive.Step(engine, 1.0, 1e9).Action);
    }

    [Fact]
    public void Wrong_rolling_options_are_refused_naming_them()
    {
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => SpikeOptions.RollingSigma(window: 1)).ParamName);
        Assert.Equal("sigmaFactor", Assert.Throws<ArgumentOutOfRangeException>(() => SpikeOptions.RollingSigma(sigmaFactor: 0)).ParamName);
        Assert.Equal("Window", Assert.Throws<ArgumentOutOfRangeException>(() => new SpikeOptions { Window = 1 }).ParamName);
        Assert.Equal("SigmaFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new SpikeOptions { SigmaFactor = double.NaN }).ParamName);
    }
}

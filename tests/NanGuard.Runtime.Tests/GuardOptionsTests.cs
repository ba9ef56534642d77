using System;
using Xunit;

namespace NanGuard.Runtime.Tests;

public sealed class GuardOptionsTests
{
    [Theory]
    [InlineData(nameof(GuardOptions.MaxNorm), -1.0)]
    [InlineData(nameof(GuardOptions.MaxNorm), 0.0)]
    [InlineData(nameof(GuardOptions.MaxNorm), double.NaN)]
    [InlineData(nameof(GuardOptions.MaxNorm), double.NegativeInfinity)]
    [InlineData(nameof(GuardOptions.NormType), 0.0)]
    [InlineData(nameof(GuardOptions.NormType), -2.0)]
    [InlineData(nameof(GuardOptions.BackOffFactor), 0.0)]
    [InlineData(nameof(GuardOptions.BackOffFactor), 1.0)]
    [InlineData(nameof(GuardOptions.BackOffFactor), 1.5)]
    [InlineData(nameof(GuardOptions.BackOffFactor), double.NaN)]
    [InlineData(nameof(GuardOptions.RecoveryFactor), 1.0)]
    [InlineData(nameof(GuardOptions.RecoveryFactor), 0.0)]
    [InlineData(nameof(GuardOptions.RecoveryFactor), double.PositiveInfinity)]
    [InlineData(nameof(GuardOptions.MinLearningRateScale), 0.0)]
    [InlineData(nameof(GuardOptions.MinLearningRateScale), 1.01)]
    public void Invalid_double_option_throws_naming_it(string property, double value)
    {
        var options = new GuardOptions();
        var setter = typeof(GuardOptions).GetProperty(property)!;
        var before = setter.GetValue(options);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Set(options, property, value));

        Assert.Equal(property, ex.ParamName);
        Assert.Equal(before, setter.GetValue(options));
    }

    [Theory]
    [InlineData(nameof(GuardOptions.RecoverySteps), 0)]
    [InlineData(nameof(GuardOptions.RecoverySteps), -3)]
    [InlineData(nameof(GuardOptions.MaxConsecutiveBadSteps), 0)]
    [InlineData(nameof(GuardOptions.SnapshotInterval), 0)]
    [InlineData(nameof(GuardOptions.SnapshotInterval), -1)]
    public void Invalid_count_option_throws_naming_it(string property, int value)
    {
        var options = new GuardOptions();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Set(options, property, value));
        Assert.Equal(property, ex.ParamName);
    }

    [Theory]
    [InlineData(nameof(SpikeOptions.SpikeFactor), 1.0)]
    [InlineData(nameof(SpikeOptions.SpikeFactor), 0.0)]
    [InlineData(nameof(SpikeOptions.Smoothing), 1.0)]
    [InlineData(nameof(SpikeOptions.Smoothing), -0.1)]
    [InlineData(nameof(SpikeOptions.MinimumScale), 0.0)]
    public void Invalid_spike_option_throws_naming_it(string property, double value)
    {
        var options = new SpikeOptions();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Set(options, property, value));
        Assert.Equal(property, ex.ParamName);
    }

    [Fact]
    public void Zero_warmup_throws_naming_it()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SpikeOptions { WarmupSteps = 0 });
        Assert.Equal(nameof(SpikeOptions.WarmupSteps), ex.ParamName);
    }

    [Fact]
    public void Infinite_max_norm_is_allowed_to_measure_without_clipping()
    {
        var options = new GuardOptions { MaxNorm = double.PositiveInfinity };
        Assert.True(double.IsPositiveInfinity(options.MaxNorm));
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var o = new GuardOptions();
        Assert.Equal(GuardPolicy.Skip, o.Policy);
        Assert.Equal(1.0, o.MaxNorm);
        Assert.Equal(2.0, o.NormType);
        Assert.Equal(0.5, o.BackOffFactor);
        Assert.Equal(2.0, o.RecoveryFactor);
        Assert.Equal(100, o.RecoverySteps);
        Assert.Equal(10, o.MaxConsecutiveBadSteps);
        Assert.Equal(100, o.SnapshotInterval);
        Assert.Null(o.SpikeDetection);
        var s = new SpikeOptions();
        Assert.Equal(3.0, s.SpikeFactor);
        Assert.Equal(0.9, s.Smoothing);
        Assert.Equal(10, s.WarmupSteps);
    }

    [Fact]
    public void Engine_copies_options_so_later_changes_do_not_reach_it()
    {
        var options = new GuardOptions { Policy = GuardPolicy.Skip, MaxConsecutiveBadSteps = 3 };
        var engine = new GuardPolicyEngine(options);

        options.Policy = GuardPolicy.Throw;
        options.MaxConsecutiveBadSteps = 1;

        Assert.Equal(StepAction.Skip, Drive.Step(engine, double.NaN).Action);
        Assert.Equal(StepAction.Skip, Drive.Step(engine, double.NaN).Action);
        Assert.Equal(StepAction.Stop, Drive.Step(engine, double.NaN).Action);
    }

    [Fact]
    public void Null_options_throw_naming_the_argument()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new GuardPolicyEngine(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new SpikeDetector(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new LearningRateBackOff(null!)).ParamName);
    }

    private static void Set(object target, string property, object value)
    {
        try
        {
            target.GetType().GetProperty(property)!.SetValue(target, value);
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }
}

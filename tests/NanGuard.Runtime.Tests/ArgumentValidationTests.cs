using System;
using TorchSharp;
using Xunit;

namespace NanGuard.Runtime.Tests;

/// <summary>Wrong arguments to the TorchSharp-facing API fail at once, naming the argument, before any TorchSharp call.</summary>
public sealed class ArgumentValidationTests
{
    [Fact]
    public void ClipAndStep_rejects_a_null_optimizer()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => GuardedStep.ClipAndStep(null!, Fake.NoParameters(), 1.0));
        Assert.Equal("optimizer", ex.ParamName);
    }

    [Fact]
    public void ClipAndStep_rejects_null_parameters()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => GuardedStep.ClipAndStep(Fake.Optimizer(), null!, 1.0));
        Assert.Equal("parameters", ex.ParamName);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void ClipAndStep_rejects_a_max_norm_that_is_not_positive(double maxNorm)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GuardedStep.ClipAndStep(Fake.Optimizer(), Fake.NoParameters(), maxNorm));
        Assert.Equal("maxNorm", ex.ParamName);
    }

    [Fact]
    public void ClipAndStep_rejects_a_norm_type_that_is_not_positive()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GuardedStep.ClipAndStep(Fake.Optimizer(), Fake.NoParameters(), 1.0, 0.0));
        Assert.Equal("normType", ex.ParamName);
    }

    [Theory]
    [InlineData(1.5, true)]
    [InlineData(0.0, true)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(double.NegativeInfinity, false)]
    public void ClipAndStep_steps_only_on_a_finite_norm(double norm, bool steps)
    {
        var result = GuardedStep.Decide(norm);
        Assert.Equal(steps, result.Stepped);
        Assert.Equal(norm, result.GradientNorm);
        Assert.Contains(steps ? "stepped" : "skipped", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingGuard_rejects_a_null_model_or_optimizer()
    {
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new TrainingGuard(null!, Fake.Optimizer())).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new TrainingGuard(Fake.Module(), null!)).ParamName);
    }

    [Fact]
    public void TrainingGuard_rejects_a_null_loss_and_keeps_counting_nothing()
    {
        using var guard = new TrainingGuard(Fake.Module(), Fake.Optimizer());
        Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => guard.Step((torch.Tensor)null!)).ParamName);
        Assert.Equal(0, guard.Statistics.StepsObserved);
    }

    [Fact]
    public void TrainingGuard_copies_its_options()
    {
        var options = new GuardOptions { Policy = GuardPolicy.Rollback, MaxNorm = 5.0 };
        using var guard = new TrainingGuard(Fake.Module(), Fake.Optimizer(), options);
        options.MaxNorm = 0.1;
        options.Policy = GuardPolicy.Skip;

        Assert.Equal(5.0, guard.Options.MaxNorm);
        Assert.Equal(GuardPolicy.Rollback, guard.Options.Policy);
    }

    [Fact]
    public void TrainingGuard_rollback_before_any_good_state_changes_nothing()
    {
        using var guard = new TrainingGuard(Fake.Module(), Fake.Optimizer(), new GuardOptions { Policy = GuardPolicy.Rollback });

        Assert.False(guard.Rollback());
        Assert.False(guard.HasSnapshot);
        Assert.Equal(0, guard.Statistics.Rollbacks);
    }

    [Fact]
    public void DivergenceWatch_rejects_null_arguments()
    {
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new DivergenceWatch(null!, Fake.Optimizer(), new GuardOptions())).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new DivergenceWatch(Fake.Module(), null!, new GuardOptions())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new DivergenceWatch(Fake.Module(), Fake.Optimizer(), null!)).ParamName);
    }

    [Fact]
    public void DivergenceWatch_turns_spike_detection_on_without_changing_the_callers_options()
    {
        var options = new GuardOptions();
        var used = DivergenceWatch.WithSpikes(options);

        Assert.NotNull(used.SpikeDetection);
        Assert.Null(options.SpikeDetection);
        var own = new SpikeOptions { SpikeFactor = 7 };
        Assert.Equal(7, DivergenceWatch.WithSpikes(new GuardOptions { SpikeDetection = own }).SpikeDetection!.SpikeFactor);
    }

    [Fact]
    public void DivergenceWatch_rejects_a_null_loss()
    {
        using var watch = new DivergenceWatch(Fake.Module(), Fake.Optimizer(), new GuardOptions());
        Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => watch.Observe((torch.Tensor)null!)).ParamName);
    }

    [Fact]
    public void NanDetector_rejects_a_null_model()
    {
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new NanDetector(null!)).ParamName);
    }

    [Fact]
    public void TensorReport_rejects_a_null_tensor()
    {
        Assert.Equal("tensor", Assert.Throws<ArgumentNullException>(() => TensorReport.Of(null!)).ParamName);
    }

    [Fact]
    public void StableOps_reject_null_tensors_by_name()
    {
        var t = Fake.Tensor();
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => StableOps.safe_log(null!)).ParamName);
        Assert.Equal("probs", Assert.Throws<ArgumentNullException>(() => StableOps.cross_entropy_from_probs(null!, t)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentNullException>(() => StableOps.cross_entropy_from_probs(t, null!)).ParamName);
        Assert.Equal("numerator", Assert.Throws<ArgumentNullException>(() => StableOps.safe_div(null!, t)).ParamName);
        Assert.Equal("denominator", Assert.Throws<ArgumentNullException>(() => StableOps.safe_div(t, null!)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => StableOps.safe_sqrt(null!)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => StableOps.safe_normalize(null!)).ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-8)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void StableOps_reject_an_eps_that_is_not_finite_and_positive(double eps)
    {
        var t = Fake.Tensor();
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => StableOps.safe_log(t, eps)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => StableOps.cross_entropy_from_probs(t, t, 1, eps)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => StableOps.safe_div(t, t, eps)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => StableOps.safe_sqrt(t, eps)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => StableOps.safe_normalize(t, 1, eps)).ParamName);
    }

    [Fact]
    public void Cross_entropy_rejects_an_undefined_reduction()
    {
        var t = Fake.Tensor();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StableOps.cross_entropy_from_probs(t, t, reduction: (torch.nn.Reduction)7));
        Assert.Equal("reduction", ex.ParamName);
    }

    [Fact]
    public void Documented_eps_defaults()
    {
        Assert.Equal(1e-8, StableOps.DefaultEps);
        Assert.Equal(1e-12, StableOps.DefaultNormalizeEps);
    }

    [Fact]
    public void Exceptions_and_events_reject_null_payloads()
    {
        Assert.Equal("diagnosis", Assert.Throws<ArgumentNullException>(() => new NonFiniteTrainingException(null!)).ParamName);
        Assert.Equal("offender", Assert.Throws<ArgumentNullException>(() => new NonFiniteOutputException(null!)).ParamName);
        Assert.Equal("offender", Assert.Throws<ArgumentNullException>(() => new NonFiniteOutputEventArgs(null!)).ParamName);
    }
}

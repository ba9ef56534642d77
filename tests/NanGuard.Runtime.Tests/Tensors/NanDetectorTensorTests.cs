using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>NanDetector's forward hooks on real modules: the first bad module by its path, hooks gone after Dispose, anomaly mode.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class NanDetectorTensorTests
{
    // fc1 copies x into its first three outputs and gives x2 - x0 as the fourth; then log.
    private static readonly float[,] Fc1Weight = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { -1, 0, 1 } };

    // fc1 gives [3, 1, 1, -2] and [0, 1, 1, 1]: log makes one NaN (of -2) and one -Inf (of 0).
    private static readonly float[,] BadBatch = { { 3, 1, 1 }, { 0, 1, 1 } };

    // fc1 gives [1, 2, 3, 2]: all positive, log is finite.
    private static readonly float[,] CleanBatch = { { 1, 2, 3 } };

    [Fact]
    public void In_a_Sequential_the_first_module_whose_output_goes_non_finite_is_named_with_a_report_of_that_output()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = LogMlp();
        using var detector = new NanDetector(model);
        var detected = new List<NanOffender>();
        detector.Detected += (_, e) => detected.Add(e.Offender);

        using var output = model.call(torch.tensor(BadBatch));

        var offender = detector.FirstOffender;
        Assert.NotNull(offender);
        Assert.Equal("log", offender!.ModuleName);
        Assert.Equal(nameof(Log), offender.ModuleType);
        Assert.Equal(0, offender.OutputIndex);
        Assert.Equal(new long[] { 2, 4 }, offender.Report.Shape);
        var stats = offender.Report.Statistics;
        Assert.Equal(1, stats.NaNCount);
        Assert.Equal(1, stats.NegativeInfinityCount);
        Assert.Equal(0, stats.PositiveInfinityCount);
        Assert.Equal(0.0, stats.Min);
        Assert.Equal(Math.Log(3), stats.Max!.Value, 6);
        Assert.Same(offender, Assert.Single(detected));
        Assert.Contains("module 'log' (Log)", offender.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void In_a_custom_module_the_offender_is_named_by_its_path_through_nested_modules()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(30);
        var log = new Log();
        var model = new TinyNet(log);
        using var detector = new NanDetector(model);
        Assert.Empty(detector.UnhookedModules);
        Assert.Equal(5, detector.HookedModules);

        using var x = Batches.Input(seed: 1, 8, 3);
        using var output = model.call(x);

        Assert.Equal("block.inner", detector.FirstOffender?.ModuleName);
        Assert.Equal(nameof(Log), detector.FirstOffender!.ModuleType);
        Assert.True(detector.FirstOffender.Report.Statistics.NaNCount > 0);
        Assert.True(TensorReport.Of(output).Statistics.NaNCount > 0, "the NaN reached the model's output, yet the inner module is named");
    }

    [Fact]
    public void A_clean_forward_checks_every_module_and_reports_nothing()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = LogMlp();
        using var detector = new NanDetector(model);

        using var output = model.call(torch.tensor(CleanBatch));

        Assert.Null(detector.FirstOffender);
        Assert.Equal(4, detector.OutputsChecked);
    }

    [Fact]
    public void Dispose_removes_every_hook_so_a_NaN_forward_is_no_longer_seen()
    {
        using var scope = torch.NewDisposeScope();
        var (model, log) = LogMlp();
        var detector = new NanDetector(model);
        Assert.Equal(1, log.ForwardHookCount);
        Assert.Equal(4, detector.HookedModules);
        using (model.call(torch.tensor(CleanBatch)))
        {
            Assert.Equal(4, detector.OutputsChecked);
        }

        detector.Dispose();

        Assert.Equal(0, log.ForwardHookCount);
        Assert.Equal(0, detector.HookedModules);
        using (model.call(torch.tensor(BadBatch)))
        {
            Assert.Null(detector.FirstOffender);
            Assert.Equal(4, detector.OutputsChecked);
        }

        using var second = new NanDetector(model);
        using var again = model.call(torch.tensor(BadBatch));
        Assert.Equal("log", second.FirstOffender?.ModuleName);
        Assert.Equal(1, log.ForwardHookCount);
    }

    [Fact]
    public void Reset_forgets_the_offender_so_the_next_batch_is_judged_afresh()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = LogMlp();
        using var detector = new NanDetector(model);
        using (model.call(torch.tensor(BadBatch)))
        {
            Assert.NotNull(detector.FirstOffender);
        }

        detector.Reset();
        using (model.call(torch.tensor(CleanBatch)))
        {
            Assert.Null(detector.FirstOffender);
        }
    }

    [Fact]
    public void ThrowOnDetection_stops_the_forward_pass_at_the_first_offender()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = LogMlp();
        using var detector = new NanDetector(model, throwOnDetection: true);

        var error = Assert.Throws<NonFiniteOutputException>(() => model.call(torch.tensor(BadBatch)));

        Assert.Equal("log", error.Offender.ModuleName);
        Assert.Contains("module 'log'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anomaly_mode_is_on_for_the_scope_only_and_makes_backward_name_the_op_whose_gradient_went_NaN()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = LogMlp();
        Assert.False(AnomalyMode.IsEnabled);

        using (new NanDetector(model, detectAnomaly: true))
        {
            Assert.True(AnomalyMode.IsEnabled);
            var error = Assert.ThrowsAny<Exception>(SqrtOfZeroBackward);
            Assert.Contains("SqrtBackward", error.Message, StringComparison.Ordinal);
        }

        Assert.False(AnomalyMode.IsEnabled);
        Assert.Contains(SqrtOfZeroBackward(), float.IsNaN);
    }

    /// <summary>d/dx (0 * sqrt(x)) at 0 is 0 * inf = NaN: SqrtBackward0 returns NaN.</summary>
    private static float[] SqrtOfZeroBackward()
    {
        using var x = torch.zeros(2, requires_grad: true);
        using var root = x.sqrt();
        using var product = root * 0f;
        using var sum = product.sum();
        sum.backward();
        using var grad = x.grad!;
        return Values.Of(grad);
    }

    /// <summary>fc1 (Linear, fixed weights) -> log (a custom module) -> fc2 (Linear), in a Sequential.</summary>
    private static (Sequential Model, Log Log) LogMlp()
    {
        torch.manual_seed(31);
        var fc1 = nn.Linear(3, 4);
        using (torch.no_grad())
        {
            using var weight = torch.tensor(Fc1Weight);
            fc1.weight!.copy_(weight);
            fc1.bias!.zero_();
        }

        var log = new Log();
        return (nn.Sequential(("fc1", fc1), ("log", log), ("fc2", nn.Linear(4, 2))), log);
    }
}

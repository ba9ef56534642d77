using System;
using TorchSharp;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>TensorReport.Of on real tensors: the counts and finite statistics it reduces on the device.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class TensorReportTensorTests
{
    private static readonly float[] Mixed = { 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -2f, 3f, float.NaN, 0.5f };

    [Fact]
    public void A_report_counts_NaN_and_each_infinity_and_gives_min_max_and_mean_of_the_finite_values()
    {
        using var scope = torch.NewDisposeScope();
        var tensor = torch.tensor(Mixed).reshape(2, 4);

        var report = TensorReport.Of(tensor, "logits");

        Assert.Equal("logits", report.Name);
        Assert.Equal(new long[] { 2, 4 }, report.Shape);
        Assert.Equal("Float32", report.DType);
        Assert.Equal("cpu", report.Device);
        Assert.True(report.HasNonFinite);
        var stats = report.Statistics;
        Assert.Equal(8, stats.Count);
        Assert.Equal(2, stats.NaNCount);
        Assert.Equal(1, stats.PositiveInfinityCount);
        Assert.Equal(1, stats.NegativeInfinityCount);
        Assert.Equal(4, stats.FiniteCount);
        Assert.Equal(-2.0, stats.Min);
        Assert.Equal(3.0, stats.Max);
        Assert.Equal(0.625, stats.Mean);
        Assert.StartsWith("logits [2, 4] Float32 on cpu: 8 values: 2 NaN, 1 +Inf, 1 -Inf", report.ToString(), StringComparison.Ordinal);
        BitEqual(Mixed, Of(tensor));
    }

    [Fact]
    public void A_finite_double_tensor_that_requires_grad_is_reported_without_touching_its_graph()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 1e-30, -1e30, 2.5 }, requires_grad: true);
        var y = x * 2.0;

        var report = TensorReport.Of(y);

        Assert.Null(report.Name);
        Assert.Equal("Float64", report.DType);
        Assert.False(report.HasNonFinite);
        Assert.Equal(-2e30, report.Statistics.Min);
        Assert.Equal(5.0, report.Statistics.Max);
        y.sum().backward();
        Assert.Equal(new[] { 2.0, 2.0, 2.0 }, x.grad!.data<double>().ToArray());
    }

    [Fact]
    public void A_tensor_with_no_finite_value_has_no_min_max_or_mean()
    {
        using var scope = torch.NewDisposeScope();
        var report = TensorReport.Of(torch.full(3, float.NaN));

        Assert.Equal(3, report.Statistics.NaNCount);
        Assert.Equal(0, report.Statistics.FiniteCount);
        Assert.Null(report.Statistics.Min);
        Assert.Null(report.Statistics.Max);
        Assert.Null(report.Statistics.Mean);
    }
}

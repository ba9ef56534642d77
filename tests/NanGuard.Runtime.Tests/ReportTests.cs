using System;
using System.Linq;
using Xunit;

namespace NanGuard.Runtime.Tests;

public sealed class ReportTests
{
    private static FiniteStatistics Stats() =>
        FiniteStatistics.Of(new[] { 0.5, double.NaN, double.NaN, double.PositiveInfinity, -2.0 });

    [Fact]
    public void A_tensor_report_reads_like_what_users_print()
    {
        var report = new TensorReport("logits", new long[] { 2, 3 }, "Float32", "cpu", Stats());
        var text = report.ToString();

        Assert.True(report.HasNonFinite);
        Assert.StartsWith("logits [2, 3] Float32 on cpu: 5 values: 2 NaN, 1 +Inf, 0 -Inf", text, StringComparison.Ordinal);
        Assert.Contains("finite min -2", text, StringComparison.Ordinal);
        Assert.Contains("max 0.5", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_keeps_its_own_copy_of_the_shape()
    {
        var shape = new long[] { 4, 4 };
        var report = new TensorReport(null, shape, "Float64", "cuda:0", Stats());
        shape[0] = 99;
        Assert.Equal(new long[] { 4, 4 }, report.Shape.ToArray());
        Assert.StartsWith("[4, 4] Float64 on cuda:0", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_offender_names_module_type_shape_and_counts()
    {
        var report = new TensorReport("features.conv2", new long[] { 8, 16, 14, 14 }, "Float32", "cpu", Stats());
        var offender = new NanOffender("features.conv2", "Conv2d", 0, report);
        var text = offender.ToString();

        Assert.Contains("module 'features.conv2' (Conv2d)", text, StringComparison.Ordinal);
        Assert.Contains("[8, 16, 14, 14]", text, StringComparison.Ordinal);
        Assert.Contains("2 NaN", text, StringComparison.Ordinal);
        Assert.Equal(text, new NonFiniteOutputException(offender).Message);
    }

    [Fact]
    public void The_offender_of_a_tuple_output_says_which_item()
    {
        var report = new TensorReport("lstm", new long[] { 5, 2, 8 }, "Float32", "cpu", Stats());
        Assert.Contains("output #2", new NanOffender("lstm", "LSTM", 2, report).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_first_offender_is_kept_until_reset()
    {
        var log = new OffenderLog();
        var report = new TensorReport(null, new long[] { 1 }, "Float32", "cpu", Stats());
        var first = new NanOffender("a", "Linear", 0, report);
        var second = new NanOffender("b", "Linear", 0, report);

        Assert.True(log.Record(first));
        Assert.False(log.Record(second));
        Assert.Same(first, log.First);
        log.Reset();
        Assert.Null(log.First);
        Assert.True(log.Record(second));
        Assert.Same(second, log.First);
    }

    [Fact]
    public void Module_outputs_are_searched_for_tensors_in_tuples_in_order()
    {
        var a = Fake.Tensor();
        var b = Fake.Tensor();
        var c = Fake.Tensor();

        Assert.Equal(new[] { a }, OutputTensors.Of(a).ToArray());
        Assert.Equal(new[] { a, b, c }, OutputTensors.Of((a, b, c)).ToArray());
        Assert.Equal(new[] { a, b, c }, OutputTensors.Of((a, (b, c))).ToArray());
        Assert.Equal(new[] { a, b }, OutputTensors.Of(new[] { a, b }).ToArray());
        Assert.Empty(OutputTensors.Of(null));
        (TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)? none = null;
        Assert.Empty(OutputTensors.Of(none));
    }

    [Fact]
    public void Reductions_from_the_device_become_statistics()
    {
        var s = FiniteStatistics.FromReductions(10, 2, 1, 1, -3.0, 4.0, 6.0);
        Assert.Equal(6, s.FiniteCount);
        Assert.Equal(-3.0, s.Min);
        Assert.Equal(4.0, s.Max);
        Assert.Equal(1.0, s.Mean);

        var none = FiniteStatistics.FromReductions(2, 2, 0, 0, double.PositiveInfinity, double.NegativeInfinity, 0);
        Assert.Null(none.Min);
        Assert.Null(none.Mean);
    }

    [Fact]
    public void Inconsistent_reductions_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FiniteStatistics.FromReductions(3, 2, 2, 0, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FiniteStatistics.FromReductions(3, -1, 0, 0, 0, 0, 0));
    }

    [Fact]
    public void A_diagnosis_with_detail_keeps_everything_else()
    {
        var engine = new GuardPolicyEngine(new GuardOptions { MaxConsecutiveBadSteps = 3 });
        Drive.Step(engine, 1.0, 2.0);
        var d = Drive.Step(engine, double.NaN, 4.0).Diagnosis!;

        var more = d.WithDetail("first offender: fc1");

        Assert.Equal(d.StepIndex, more.StepIndex);
        Assert.Equal(d.Kind, more.Kind);
        Assert.Equal(d.LastFiniteNorm, more.LastFiniteNorm);
        Assert.EndsWith("first offender: fc1", more.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 bad step(s) in a row of 3", more.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Incident_event_data_carries_diagnosis_and_statistics()
    {
        var engine = new GuardPolicyEngine(new GuardOptions());
        var d = Drive.Step(engine, double.NaN).Diagnosis!;
        var args = new IncidentEventArgs(d, engine.Statistics);

        Assert.Same(d, args.Diagnosis);
        Assert.Equal(1, args.Statistics.StepsSkipped);
        Assert.Equal("diagnosis", Assert.Throws<ArgumentNullException>(() => new IncidentEventArgs(null!, engine.Statistics)).ParamName);
    }
}

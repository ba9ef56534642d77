using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// What you would print to look at a tensor that went bad: its shape, dtype and device, how many NaN and infinite
/// values it holds, and the min, max and mean of its finite values. <c>Console.WriteLine(TensorReport.Of(logits, "logits"))</c>.
/// </summary>
public sealed class TensorReport
{
    /// <summary>Creates a report from values already known (the glue fills it from a tensor).</summary>
    /// <param name="name">A label, or <see langword="null"/>.</param>
    /// <param name="shape">The tensor's shape.</param>
    /// <param name="dtype">The element type's name, for example <c>Float32</c>.</param>
    /// <param name="device">The device's name, for example <c>cpu</c> or <c>cuda:0</c>.</param>
    /// <param name="statistics">The value statistics.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/>, <paramref name="dtype"/>, <paramref name="device"/> or <paramref name="statistics"/> is null.</exception>
    public TensorReport(string? name, IReadOnlyList<long> shape, string dtype, string device, FiniteStatistics statistics)
    {
        Name = name;
        Shape = Require.NotNull(shape, nameof(shape)).ToArray();
        DType = Require.NotNull(dtype, nameof(dtype));
        Device = Require.NotNull(device, nameof(device));
        Statistics = Require.NotNull(statistics, nameof(statistics));
    }

    /// <summary>The label given, if any.</summary>
    public string? Name { get; }

    /// <summary>The tensor's shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The element type's name.</summary>
    public string DType { get; }

    /// <summary>The device's name.</summary>
    public string Device { get; }

    /// <summary>Counts of NaN/Inf and finite min/max/mean.</summary>
    public FiniteStatistics Statistics { get; }

    /// <summary>Whether any value is NaN or infinite.</summary>
    public bool HasNonFinite => !Statistics.AllFinite;

    /// <summary>Describes a tensor. The reductions run on the tensor's device, in float64; only a few numbers are copied back.</summary>
    /// <param name="tensor">The tensor; not modified, not disposed. Complex tensors are not supported.</param>
    /// <param name="name">A label for the report.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    public static TensorReport Of(Tensor tensor, string? name = null)
    {
        Require.NotNull(tensor, nameof(tensor));
        return new TensorReport(name, tensor.shape, tensor.dtype.ToString(), tensor.device.ToString(), TorchStatistics.Of(tensor));
    }

    /// <summary>One line: <c>name [2, 10] Float32 on cpu: 20 values: 3 NaN, 0 +Inf, 0 -Inf; finite min ..., max ..., mean ...</c>.</summary>
    /// <returns>The report as text.</returns>
    public override string ToString()
    {
        var shape = "[" + string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
        var label = Name is null ? string.Empty : Name + " ";
        return $"{label}{shape} {DType} on {Device}: {Statistics}";
    }
}

/// <summary>Reductions on a tensor's device that feed <see cref="FiniteStatistics"/>.</summary>
internal static class TorchStatistics
{
    internal static FiniteStatistics Of(Tensor tensor)
    {
        if (tensor.is_complex())
        {
            throw new ArgumentException("Complex tensors are not supported.", nameof(tensor));
        }

        using var scope = torch.no_grad();
        using var detached = tensor.detach();
        using var x = detached.to_type(ScalarType.Float64);
        var count = x.numel();
        using var nan = x.isnan();
        using var nanSum = nan.sum();
        using var posInf = x.isposinf();
        using var posInfSum = posInf.sum();
        using var negInf = x.isneginf();
        using var negInfSum = negInf.sum();
        using var forMin = x.nan_to_num(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        using var forMax = x.nan_to_num(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity);
        using var forSum = x.nan_to_num(0d, 0d, 0d);
        var empty = count == 0;
        using var min = empty ? null : forMin.min();
        using var max = empty ? null : forMax.max();
        using var sum = forSum.sum();
        return FiniteStatistics.FromReductions(
            count,
            Host.Item<long>(nanSum),
            Host.Item<long>(posInfSum),
            Host.Item<long>(negInfSum),
            min is null ? double.NaN : Host.Item<double>(min),
            max is null ? double.NaN : Host.Item<double>(max),
            Host.Item<double>(sum));
    }

    /// <summary>The cheap check: one reduction, one number copied back.</summary>
    internal static bool AllFinite(Tensor tensor)
    {
        if (!tensor.is_floating_point())
        {
            return true;
        }

        using var scope = torch.no_grad();
        using var finite = tensor.isfinite();
        using var all = finite.all();
        return Host.Item<bool>(all);
    }
}

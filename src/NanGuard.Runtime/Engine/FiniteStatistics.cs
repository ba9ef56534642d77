using System;
using System.Collections.Generic;
using System.Globalization;

namespace NanGuard.Runtime;

/// <summary>
/// Counts of NaN and infinite values, and the minimum, maximum and mean of the finite ones, computed from plain
/// numbers (the glue copies a tensor's values out and hands them here).
/// </summary>
public sealed class FiniteStatistics
{
    private FiniteStatistics(long count, long nanCount, long positiveInfinityCount, long negativeInfinityCount, double min, double max, double sum)
    {
        Count = count;
        NaNCount = nanCount;
        PositiveInfinityCount = positiveInfinityCount;
        NegativeInfinityCount = negativeInfinityCount;
        var finite = count - nanCount - positiveInfinityCount - negativeInfinityCount;
        FiniteCount = finite;
        Min = finite > 0 ? min : null;
        Max = finite > 0 ? max : null;
        Mean = finite > 0 ? sum / finite : null;
    }

    /// <summary>All values.</summary>
    public long Count { get; }

    /// <summary>NaN values.</summary>
    public long NaNCount { get; }

    /// <summary>+Inf values.</summary>
    public long PositiveInfinityCount { get; }

    /// <summary>-Inf values.</summary>
    public long NegativeInfinityCount { get; }

    /// <summary>+Inf and -Inf values.</summary>
    public long InfinityCount => PositiveInfinityCount + NegativeInfinityCount;

    /// <summary>Finite values.</summary>
    public long FiniteCount { get; }

    /// <summary>Whether every value is finite (true for no values).</summary>
    public bool AllFinite => FiniteCount == Count;

    /// <summary>The smallest finite value, or <see langword="null"/> when none is finite.</summary>
    public double? Min { get; }

    /// <summary>The largest finite value, or <see langword="null"/> when none is finite.</summary>
    public double? Max { get; }

    /// <summary>The mean of the finite values, or <see langword="null"/> when none is finite.</summary>
    public double? Mean { get; }

    /// <summary>
    /// Statistics from reductions already computed elsewhere (on the tensor's device, by the glue): the counts, and
    /// the min, max and sum over the finite values (ignored when no value is finite).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or the non-finite counts exceed the total.</exception>
    internal static FiniteStatistics FromReductions(long count, long nanCount, long positiveInfinityCount, long negativeInfinityCount, double finiteMin, double finiteMax, double finiteSum)
    {
        if (count < 0 || nanCount < 0 || positiveInfinityCount < 0 || negativeInfinityCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "Counts cannot be negative.");
        }

        if (nanCount + positiveInfinityCount + negativeInfinityCount > count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "There are more non-finite values than values.");
        }

        return new FiniteStatistics(count, nanCount, positiveInfinityCount, negativeInfinityCount, finiteMin, finiteMax, finiteSum);
    }

    /// <summary>Statistics of double values.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static FiniteStatistics Of(IEnumerable<double> values)
    {
        Require.NotNull(values, nameof(values));
        long count = 0, nan = 0, posInf = 0, negInf = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var v in values)
        {
            count++;
            if (double.IsNaN(v))
            {
                nan++;
            }
            else if (double.IsPositiveInfinity(v))
            {
                posInf++;
            }
            else if (double.IsNegativeInfinity(v))
            {
                negInf++;
            }
            else
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                sum += v;
            }
        }

        return new FiniteStatistics(count, nan, posInf, negInf, min, max, sum);
    }

    /// <summary>Statistics of float values (computed in double, so the mean of large floats does not overflow).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static FiniteStatistics Of(IEnumerable<float> values)
    {
        Require.NotNull(values, nameof(values));
        return Of(Widen(values));
    }

    private static IEnumerable<double> Widen(IEnumerable<float> values)
    {
        foreach (var v in values)
        {
            yield return v;
        }
    }

    /// <summary>One line: counts, then finite min/max/mean.</summary>
    /// <returns>The statistics as text.</returns>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        return $"{Count.ToString(c)} values: {NaNCount.ToString(c)} NaN, {PositiveInfinityCount.ToString(c)} +Inf, " +
            $"{NegativeInfinityCount.ToString(c)} -Inf; finite min {Numbers.Format(Min)}, max {Numbers.Format(Max)}, mean {Numbers.Format(Mean)}";
    }
}

using System;
using Xunit;

namespace NanGuard.Runtime.Tests;

public sealed class FiniteStatisticsTests
{
    [Fact]
    public void Counts_non_finite_values_and_summarises_the_finite_ones()
    {
        var s = FiniteStatistics.Of(new[] { 1.0, double.NaN, -3.0, double.PositiveInfinity, 5.0, double.NaN, double.NegativeInfinity });

        Assert.Equal(7, s.Count);
        Assert.Equal(2, s.NaNCount);
        Assert.Equal(1, s.PositiveInfinityCount);
        Assert.Equal(1, s.NegativeInfinityCount);
        Assert.Equal(2, s.InfinityCount);
        Assert.Equal(3, s.FiniteCount);
        Assert.False(s.AllFinite);
        Assert.Equal(-3.0, s.Min);
        Assert.Equal(5.0, s.Max);
        Assert.Equal(1.0, s.Mean!.Value, 12);
    }

    [Fact]
    public void No_finite_value_gives_no_min_max_or_mean()
    {
        var s = FiniteStatistics.Of(new[] { float.NaN, float.PositiveInfinity });
        Assert.Null(s.Min);
        Assert.Null(s.Max);
        Assert.Null(s.Mean);
        Assert.Contains("1 NaN", s.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Float_values_are_summed_in_double_so_the_mean_does_not_overflow()
    {
        var s = FiniteStatistics.Of(new[] { float.MaxValue, float.MaxValue });
        Assert.True(s.AllFinite);
        Assert.Equal((double)float.MaxValue, s.Mean!.Value, 1);
    }

    [Fact]
    public void Empty_input_is_all_finite()
    {
        var s = FiniteStatistics.Of(Array.Empty<double>());
        Assert.True(s.AllFinite);
        Assert.Equal(0, s.Count);
    }

    [Fact]
    public void Null_values_throw_naming_the_argument()
    {
        Assert.Equal("values", Assert.Throws<ArgumentNullException>(() => FiniteStatistics.Of((double[])null!)).ParamName);
    }
}

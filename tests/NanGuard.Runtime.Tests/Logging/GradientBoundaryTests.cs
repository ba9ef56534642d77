using System;
using System.Linq;
using Xunit;

namespace NanGuard.Runtime.Tests.Logging;

/// <summary>Where a NaN began, from per-parameter finite flags and norms in model order (plain numbers).</summary>
public sealed class GradientBoundaryTests
{
    private static readonly string[] Names = { "embed.weight", "block.fc.weight", "block.fc.bias", "block.out.weight", "head.weight", "head.bias" };

    [Fact]
    public void The_boundary_is_the_first_non_finite_module_walking_back_from_the_loss_and_the_finite_one_before_it()
    {
        var boundary = GradientBoundary.Of(Names, new[] { false, false, true, false, true, true }, new[] { double.NaN, double.NaN, 4.0, double.NaN, 3.0, 4.0 }, 2.0);

        Assert.Equal(new[] { "embed", "block.fc", "block.out", "head" }, boundary.Modules.Select(m => m.ModulePath));
        Assert.Equal(new[] { 0, 1, 2, 3 }, boundary.Modules.Select(m => m.Index));
        Assert.Equal("block.out", boundary.FirstNonFiniteModule!.ModulePath);
        Assert.Equal("head", boundary.LastFiniteModule!.ModulePath);
        Assert.Equal(3, boundary.NonFiniteModuleCount);
        var fc = boundary.Modules[1];
        Assert.Equal((2, 1, false), (fc.ParameterCount, fc.NonFiniteParameters, fc.IsFinite));
        Assert.Equal(5.0, boundary.Modules[3].Norm);          // the 2-norm of the parameters' norms 3 and 4
        Assert.True(double.IsNaN(fc.Norm));
        Assert.Equal(
            "Boundary: gradients are finite in 'head' and every module after it, not in 'block.out' (3 of 4 modules non-finite): " +
            "the NaN began in the backward pass between 'head' and 'block.out' (in 'block.out' itself or in an op between them).",
            boundary.ToString());
    }

    [Fact]
    public void When_the_last_module_is_not_finite_the_NaN_began_between_it_and_the_loss()
    {
        var boundary = GradientBoundary.Of(new[] { "hidden.weight", "hidden.bias", "output.weight", "output.bias" },
            new[] { false, false, false, false }, new[] { double.NaN, double.NaN, double.NaN, double.NaN }, 2.0);

        Assert.Equal("output", boundary.FirstNonFiniteModule!.ModulePath);
        Assert.Null(boundary.LastFiniteModule);
        Assert.Equal(
            "Boundary: the last module in model order, 'output', already has non-finite gradients (2 of 2 modules non-finite): " +
            "the NaN began after it in the backward pass, in the loss or in an op between 'output' and the loss.",
            boundary.ToString());
    }

    [Fact]
    public void Finite_gradients_with_an_infinite_norm_say_the_norm_overflowed()
    {
        var boundary = GradientBoundary.Of(new[] { "weight", "fc.weight" }, new[] { true, true }, new[] { 3e38, 3e38 }, 2.0);

        Assert.Null(boundary.FirstNonFiniteModule);
        Assert.Null(boundary.LastFiniteModule);
        Assert.Equal(NanDetector.ModelName, boundary.Modules[0].ModulePath);
        Assert.Equal("Boundary: every module's gradients are finite (2 modules): the global norm overflowed, not a gradient.", boundary.ToString());
    }

    [Fact]
    public void The_max_norm_of_a_module_is_the_largest_parameter_norm()
    {
        var boundary = GradientBoundary.Of(new[] { "fc.weight", "fc.bias" }, new[] { true, true }, new[] { 2.0, -7.0 }, double.PositiveInfinity);
        Assert.Equal(7.0, boundary.Modules.Single().Norm);
    }

    [Theory]
    [InlineData(0, 5, 0)]     // the boundary at the start: the first five
    [InlineData(500, 5, 498)] // centred on the boundary
    [InlineData(998, 5, 995)] // at the end: the last five
    public void Around_keeps_at_most_the_limit_of_modules_nearest_the_boundary(int nonFinite, int limit, int first)
    {
        var names = Enumerable.Range(0, 1000).Select(i => $"layer{i}.weight").ToArray();
        var finite = Enumerable.Range(0, 1000).Select(i => i > nonFinite).ToArray();
        var boundary = GradientBoundary.Of(names, finite, Enumerable.Repeat(1.0, 1000).ToArray(), 2.0);

        var kept = boundary.Around(limit);
        Assert.Equal(Enumerable.Range(first, limit), kept.Select(m => m.Index));
        Assert.Contains(boundary.FirstNonFiniteModule!, kept);
        Assert.Same(boundary.Modules, boundary.Around(1000));
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => boundary.Around(0)).ParamName);
    }
}

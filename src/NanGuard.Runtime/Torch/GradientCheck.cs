using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// After <c>backward()</c>, names the first parameter whose gradient holds NaN or Inf: the gradient-side half of
/// <see cref="NanDetector"/>'s forward-side finding (TorchSharp has no backward hooks and no <c>Tensor.register_hook</c>).
/// <see cref="TrainingGuard"/> and <see cref="GuardedStep"/> run it by themselves on a bad step, at no cost on a
/// clean one; call it directly where you step without them.
/// </summary>
public static class GradientCheck
{
    /// <summary>
    /// Checks every gradient of <paramref name="model"/> with one reduction each and one host synchronisation in
    /// all; when one is not finite, one more reads every gradient's norm for <see cref="GradientCheckResult.Boundary"/>
    /// and a few more describe the offender. Call it before clipping (clipping a NaN gradient spreads the NaN to every
    /// gradient).
    /// </summary>
    /// <param name="model">The model whose parameters' gradients are checked, in <c>named_parameters()</c> order.</param>
    /// <returns>The first non-finite gradient, how many are non-finite, and the parameters that have no gradient.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public static GradientCheckResult Of(nn.Module model)
    {
        Require.NotNull(model, nameof(model));
        using var scope = torch.NewDisposeScope();
        var gradients = new GradientSet(model.named_parameters());
        var first = gradients.FirstNonFinite(2.0, knownBad: false, out var nonFinite, out var boundary);
        return new GradientCheckResult(first, nonFinite, gradients.Count, gradients.Without, boundary);
    }
}

/// <summary>What <see cref="GradientCheck.Of"/> found.</summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(NonFiniteGradient? firstNonFinite, int nonFiniteCount, int checkedCount, IReadOnlyList<string> withoutGradient, GradientBoundary? boundary)
    {
        Boundary = boundary;
        FirstNonFinite = firstNonFinite;
        NonFiniteCount = nonFiniteCount;
        CheckedCount = checkedCount;
        ParametersWithoutGradient = withoutGradient;
    }

    /// <summary>The first parameter whose gradient holds NaN or Inf, or <see langword="null"/> when every gradient is finite.</summary>
    public NonFiniteGradient? FirstNonFinite { get; }

    /// <summary>
    /// Where the NaN began: every module in model order with its gradients' finiteness and 2-norm, and the boundary
    /// walking back from the loss; <see langword="null"/> when every gradient is finite (its norms are then never read).
    /// </summary>
    public GradientBoundary? Boundary { get; }

    /// <summary>How many parameters' gradients hold NaN or Inf.</summary>
    public int NonFiniteCount { get; }

    /// <summary>How many gradients were checked.</summary>
    public int CheckedCount { get; }

    /// <summary>The parameters skipped because their gradient is null (never reached by a backward pass, or cleared by <c>zero_grad()</c>).</summary>
    public IReadOnlyList<string> ParametersWithoutGradient { get; }

    /// <inheritdoc />
    public override string ToString() =>
        (FirstNonFinite is null ? $"all {CheckedCount} gradients finite" : $"{NonFiniteCount} of {CheckedCount} gradients not finite, first: {FirstNonFinite}. {Boundary}") +
        Skipped(ParametersWithoutGradient);

    internal static string Skipped(IReadOnlyList<string> without) =>
        without.Count == 0 ? string.Empty : $"; {without.Count} parameter(s) without a gradient skipped: {string.Join(", ", without)}";
}

/// <summary>A parameter whose gradient holds NaN or Inf: where it lives in the model, and what its gradient holds.</summary>
public sealed class NonFiniteGradient
{
    /// <summary>Creates the record.</summary>
    /// <param name="parameterName">The parameter's full name in the model, as <c>named_parameters()</c> gives it (<c>block.fc.weight</c>).</param>
    /// <param name="report">The gradient's report: shape, dtype, NaN/Inf counts and the finite range.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public NonFiniteGradient(string parameterName, TensorReport report)
    {
        ParameterName = Require.NotNull(parameterName, nameof(parameterName));
        Report = Require.NotNull(report, nameof(report));
        ModulePath = GradientBoundary.ModulePathOf(parameterName);
        var dot = parameterName.LastIndexOf('.');
        Name = dot < 0 ? parameterName : parameterName.Substring(dot + 1);
    }

    /// <summary>The parameter's full name in the model.</summary>
    public string ParameterName { get; }

    /// <summary>The path of the module that holds it (<c>block.fc</c>), or <see cref="NanDetector.ModelName"/> for the model's own parameters.</summary>
    public string ModulePath { get; }

    /// <summary>The parameter's name in its module (<c>weight</c>).</summary>
    public string Name { get; }

    /// <summary>The gradient's shape, dtype, NaN/Inf counts and finite min/max/mean.</summary>
    public TensorReport Report { get; }

    /// <summary>One line naming the module and the parameter and describing its gradient.</summary>
    /// <returns>The record as text.</returns>
    public override string ToString() => $"gradient of '{Name}' in module '{ModulePath}' is not finite: {Report}";
}

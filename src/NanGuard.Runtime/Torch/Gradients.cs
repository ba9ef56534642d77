using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>Zeroing gradients so that a skipped step's NaN never reaches a later one.</summary>
internal static class Gradients
{
    internal static void Zero(optim.Optimizer optimizer, IEnumerable<Parameter> parameters)
    {
        // TorchSharp's in-place ops return a new Tensor wrapper each, which zero_grad() does not dispose: its own
        // scope does, so a skipped step leaves nothing in the caller's dispose scope.
        using (torch.NewDisposeScope())
        {
            optimizer.zero_grad();
        }

        using var noGrad = torch.no_grad();
        foreach (var p in parameters)
        {
            using var grad = p.grad;
            grad?.zero_().Dispose();
        }
    }

    /// <summary>Names for parameters that come without a model: their own name when TorchSharp gave one, else their position.</summary>
    internal static IEnumerable<(string Name, Parameter Parameter)> Named(IEnumerable<Parameter> parameters) =>
        parameters.Select((p, i) => (p.name is { Length: > 0 } name ? name : "parameter #" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), p));
}

/// <summary>
/// One step's gradients, for the guarded step, the scaler and the checks: the parameters that have a gradient and
/// the names of those that have none (TorchSharp leaves a gradient null until a backward pass reaches it, and after
/// <c>Module.zero_grad()</c>). It measures the global norm as <c>clip_grad_norm_</c> does (the p-norm of the
/// per-parameter p-norms) but reads it, with the loss, in one host synchronisation, and clips only once the step is
/// judged good, so the gradients of a bad step are still intact to name the first non-finite one.
/// Create it inside a dispose scope: the gradient wrappers and every reduction belong to that scope.
/// </summary>
internal sealed class GradientSet
{
    private readonly List<(string Name, Tensor Gradient)> _gradients = new();
    private readonly List<string> _without = new();

    internal GradientSet(IEnumerable<(string Name, Parameter Parameter)> parameters)
    {
        foreach (var (name, parameter) in parameters)
        {
            var grad = parameter.grad;
            if (grad is null)
            {
                _without.Add(name);
            }
            else
            {
                _gradients.Add((name, grad));
            }
        }
    }

    /// <summary>The parameters skipped because they have no gradient.</summary>
    internal IReadOnlyList<string> Without => _without;

    internal int Count => _gradients.Count;

    /// <summary>Multiplies every gradient by <paramref name="factor"/> in place (a loss scaler's unscale).</summary>
    internal void Multiply(double factor)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, grad) in _gradients)
        {
            grad.mul_(factor);
        }
    }

    /// <summary>The global gradient norm, and the loss when given, read in one host synchronisation.</summary>
    /// <returns>The norm (0 when no parameter has a gradient) and the loss (NaN when none was given).</returns>
    internal (double Norm, double Loss) ReadNormAndLoss(Tensor? loss, double normType)
    {
        using var noGrad = torch.no_grad();
        var parts = new List<Tensor>(2);
        if (_gradients.Count > 0)
        {
            var norms = _gradients.Select(g => Norm(g.Gradient, normType)).ToArray();
            parts.Add(torch.linalg.vector_norm(torch.stack(norms), normType).reshape(1));
        }

        if (loss is not null)
        {
            parts.Add(loss.detach().to_type(ScalarType.Float64).reshape(1));
        }

        if (parts.Count == 0)
        {
            return (0, double.NaN);
        }

        var values = Host.Doubles(torch.cat(parts, 0));
        var norm = _gradients.Count > 0 ? values[0] : 0;
        return (norm, loss is null ? double.NaN : values[values.Length - 1]);
    }

    /// <summary>Clips to <paramref name="maxNorm"/> as <c>clip_grad_norm_</c> does (coefficient max_norm / (norm + 1e-6), at most 1), from the norm already read: no synchronisation.</summary>
    /// <returns>The coefficient the gradients were multiplied by (1 when they were not).</returns>
    internal double Clip(double norm, double maxNorm)
    {
        var coefficient = maxNorm / (norm + 1e-6);
        if (!(coefficient < 1))
        {
            return 1.0;
        }

        Multiply(coefficient);
        return coefficient;
    }

    /// <summary>
    /// The first parameter (in the model's order) whose gradient holds NaN or Inf, described, and where the NaN began
    /// by module (<see cref="GradientBoundary"/>); null when all are finite. On a step already known to be bad
    /// (<paramref name="knownBad"/>) one synchronisation reads every gradient's finite flag and norm together;
    /// otherwise the flags are read first and the norms only when a flag is down. A few more describe the offender.
    /// </summary>
    internal NonFiniteGradient? FirstNonFinite(double normType, bool knownBad, out int nonFiniteCount, out GradientBoundary? boundary)
    {
        nonFiniteCount = 0;
        boundary = null;
        if (_gradients.Count == 0)
        {
            return null;
        }

        using var noGrad = torch.no_grad();
        var count = _gradients.Count;
        var flags = _gradients.Select(g => g.Gradient.isfinite().all().to_type(ScalarType.Float64)).ToArray();
        double[] norms;
        bool[] finite;
        if (knownBad)
        {
            var values = Host.Doubles(torch.stack(flags.Concat(_gradients.Select(g => Norm(g.Gradient, normType))).ToArray()));
            finite = values.Take(count).Select(f => f != 0.0).ToArray();
            norms = values.Skip(count).ToArray();
        }
        else
        {
            finite = Host.Doubles(torch.stack(flags)).Select(f => f != 0.0).ToArray();
            if (finite.All(f => f))
            {
                return null;
            }

            norms = Host.Doubles(torch.stack(_gradients.Select(g => Norm(g.Gradient, normType)).ToArray()));
        }

        boundary = GradientBoundary.Of(_gradients.Select(g => g.Name).ToList(), finite, norms, normType);
        var first = Array.IndexOf(finite, false);
        if (first < 0)
        {
            return null;
        }

        nonFiniteCount = finite.Count(f => !f);
        var (name, gradient) = _gradients[first];
        return new NonFiniteGradient(name, TensorReport.Of(gradient, name));
    }

    private static Tensor Norm(Tensor gradient, double normType) => torch.linalg.vector_norm(gradient, normType).to_type(ScalarType.Float64);
}

using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace NanGuard.Runtime;

/// <summary>
/// The one-call guarded optimizer step NanGuard's NG2001/NG2002 code fixes put in place of <c>optimizer.step();</c>:
/// clip the global gradient norm, and step only when that norm is finite (TorchSharp's <c>clip_grad_norm_</c> has no
/// <c>error_if_nonfinite</c>). Stateless; for policies, statistics and rollback use <see cref="TrainingGuard"/>.
/// </summary>
public static class GuardedStep
{
    /// <summary>
    /// After <c>loss.backward()</c>: clips the gradients of <paramref name="parameters"/> to a global 2-norm of
    /// <paramref name="maxNorm"/>, then calls <c>optimizer.step()</c> if the norm (before clipping) is finite; if it is
    /// NaN or infinite, zeroes the gradients and does not step.
    /// </summary>
    /// <param name="optimizer">The optimizer to step.</param>
    /// <param name="parameters">The parameters whose gradients are clipped, usually <c>model.parameters()</c>; enumerated once.</param>
    /// <param name="maxNorm">The largest global gradient norm; greater than 0 (<see cref="double.PositiveInfinity"/> measures without clipping).</param>
    /// <returns>Whether it stepped, and the norm.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="optimizer"/> or <paramref name="parameters"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not greater than 0.</exception>
    public static GuardedStepResult ClipAndStep(torch.optim.Optimizer optimizer, IEnumerable<Parameter> parameters, double maxNorm) =>
        ClipAndStep(optimizer, parameters, maxNorm, 2.0);

    /// <summary>As <see cref="ClipAndStep(torch.optim.Optimizer, IEnumerable{Parameter}, double)"/>, with the p of the norm.</summary>
    /// <param name="optimizer">The optimizer to step.</param>
    /// <param name="parameters">The parameters whose gradients are clipped; enumerated once.</param>
    /// <param name="maxNorm">The largest global gradient norm; greater than 0.</param>
    /// <param name="normType">The p of the p-norm; greater than 0, <see cref="double.PositiveInfinity"/> for the max norm.</param>
    /// <returns>Whether it stepped, and the norm.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="optimizer"/> or <paramref name="parameters"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="maxNorm"/> or <paramref name="normType"/> is not greater than 0.</exception>
    public static GuardedStepResult ClipAndStep(torch.optim.Optimizer optimizer, IEnumerable<Parameter> parameters, double maxNorm, double normType)
    {
        Require.NotNull(optimizer, nameof(optimizer));
        Require.NotNull(parameters, nameof(parameters));
        Require.Positive(maxNorm, nameof(maxNorm), allowPositiveInfinity: true);
        Require.Positive(normType, nameof(normType), allowPositiveInfinity: true);

        // Enumerated once: model.parameters() is lazy and would be walked twice (clip, then zero).
        var list = parameters as IList<Parameter> ?? parameters.ToList();
        var norm = torch.nn.utils.clip_grad_norm_(list, maxNorm, normType);
        var result = Decide(norm);
        if (result.Stepped)
        {
            optimizer.step()?.Dispose();
        }
        else
        {
            // clip_grad_norm_ has already multiplied every gradient by max_norm / NaN: none may reach a later step.
            Gradients.Zero(optimizer, list);
        }

        return result;
    }

    /// <summary>The whole decision, in numbers: step only on a finite norm.</summary>
    internal static GuardedStepResult Decide(double norm) => new(Numbers.IsFinite(norm), norm);
}

/// <summary>The outcome of <see cref="GuardedStep.ClipAndStep(torch.optim.Optimizer, IEnumerable{Parameter}, double)"/>.</summary>
public readonly struct GuardedStepResult : System.IEquatable<GuardedStepResult>
{
    /// <summary>Creates a result.</summary>
    /// <param name="stepped">Whether the optimizer stepped.</param>
    /// <param name="gradientNorm">The global gradient norm before clipping.</param>
    public GuardedStepResult(bool stepped, double gradientNorm)
    {
        Stepped = stepped;
        GradientNorm = gradientNorm;
    }

    /// <summary>Whether the optimizer stepped (the norm was finite).</summary>
    public bool Stepped { get; }

    /// <summary>The global gradient norm before clipping; NaN or infinite when the step was skipped.</summary>
    public double GradientNorm { get; }

    /// <summary>Whether two results are equal.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns><see langword="true"/> when both fields are equal.</returns>
    public static bool operator ==(GuardedStepResult left, GuardedStepResult right) => left.Equals(right);

    /// <summary>Whether two results differ.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns><see langword="true"/> when a field differs.</returns>
    public static bool operator !=(GuardedStepResult left, GuardedStepResult right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(GuardedStepResult other) => Stepped == other.Stepped && GradientNorm.Equals(other.GradientNorm);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GuardedStepResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (Stepped ? 1 : 0) ^ GradientNorm.GetHashCode();

    /// <inheritdoc />
    public override string ToString() =>
        (Stepped ? "stepped" : "skipped (non-finite gradient norm)") + ", gradient norm " + Numbers.Format(GradientNorm);
}

/// <summary>Zeroing gradients so that a skipped step's NaN never reaches a later one.</summary>
internal static class Gradients
{
    internal static void Zero(torch.optim.Optimizer optimizer, IEnumerable<Parameter> parameters)
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
}

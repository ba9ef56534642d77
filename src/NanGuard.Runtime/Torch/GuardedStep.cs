using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace NanGuard.Runtime;

/// <summary>
/// The one-call guarded optimizer step NanGuard's NG2001/NG2002 code fixes put in place of <c>optimizer.step();</c>:
/// clip the global gradient norm, and step only when that norm is finite (TorchSharp's <c>clip_grad_norm_</c> has no
/// <c>error_if_nonfinite</c>). The norm is <c>clip_grad_norm_</c>'s (the p-norm of the per-parameter p-norms), read in
/// one host synchronisation; the gradients are clipped only once the step is judged good, so a skipped step can name
/// its first non-finite gradient. Parameters without a gradient are skipped and counted. Stateless; for policies,
/// statistics and rollback use <see cref="TrainingGuard"/>.
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
        return Run(optimizer, parameters, maxNorm, normType, null);
    }

    /// <summary>
    /// As <see cref="ClipAndStep(torch.optim.Optimizer, IEnumerable{Parameter}, double)"/> after <c>scaler.scale(loss).backward()</c>:
    /// unscales the gradients (unless <see cref="LossScaler.unscale_"/> already did), checks them, clips them, steps
    /// or skips, and updates the scale (halved on a skipped step, doubled after its growth interval of clean steps).
    /// One host synchronisation, as without a scaler.
    /// </summary>
    /// <param name="optimizer">The optimizer to step.</param>
    /// <param name="parameters">The parameters whose gradients are unscaled and clipped; enumerated once.</param>
    /// <param name="maxNorm">The largest global norm of the unscaled gradients; greater than 0 (<see cref="double.PositiveInfinity"/> checks without clipping).</param>
    /// <param name="scaler">The scaler whose scale the loss was multiplied by.</param>
    /// <returns>Whether it stepped, and the norm of the unscaled gradients.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="optimizer"/>, <paramref name="parameters"/> or <paramref name="scaler"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not greater than 0.</exception>
    public static GuardedStepResult ClipAndStep(torch.optim.Optimizer optimizer, IEnumerable<Parameter> parameters, double maxNorm, LossScaler scaler)
    {
        Require.NotNull(optimizer, nameof(optimizer));
        Require.NotNull(parameters, nameof(parameters));
        Require.Positive(maxNorm, nameof(maxNorm), allowPositiveInfinity: true);
        Require.NotNull(scaler, nameof(scaler));
        return Run(optimizer, parameters, maxNorm, 2.0, scaler);
    }

    private static GuardedStepResult Run(torch.optim.Optimizer optimizer, IEnumerable<Parameter> parameters, double maxNorm, double normType, LossScaler? scaler)
    {
        // Enumerated once: model.parameters() is lazy and would be walked twice (clip, then zero).
        var list = parameters as IList<Parameter> ?? parameters.ToList();
        GuardedStepResult result;
        using (torch.NewDisposeScope())
        {
            var gradients = new GradientSet(Gradients.Named(list));
            scaler?.UnscaleOnce(gradients);
            var norm = gradients.ReadNormAndLoss(null, normType).Norm;
            scaler?.Update(Numbers.IsFinite(norm));
            var decided = Decide(norm);
            var offender = decided.Stepped ? null : gradients.FirstNonFinite(normType, knownBad: true, out _, out _);
            result = new GuardedStepResult(decided.Stepped, norm, gradients.Without.Count, offender);
            if (result.Stepped)
            {
                gradients.Clip(norm, maxNorm);
            }
        }

        if (result.Stepped)
        {
            optimizer.step()?.Dispose();
        }
        else
        {
            // The gradients hold NaN or Inf: none may reach a later step.
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
        : this(stepped, gradientNorm, 0, null)
    {
    }

    /// <summary>Creates a result that says what was skipped and which gradient was not finite.</summary>
    /// <param name="stepped">Whether the optimizer stepped.</param>
    /// <param name="gradientNorm">The global gradient norm before clipping.</param>
    /// <param name="parametersWithoutGradient">How many parameters had no gradient and were skipped.</param>
    /// <param name="firstNonFinite">On a skipped step, the first parameter whose gradient held NaN or Inf.</param>
    public GuardedStepResult(bool stepped, double gradientNorm, int parametersWithoutGradient, NonFiniteGradient? firstNonFinite)
    {
        Stepped = stepped;
        GradientNorm = gradientNorm;
        ParametersWithoutGradient = parametersWithoutGradient;
        FirstNonFinite = firstNonFinite;
    }

    /// <summary>Whether the optimizer stepped (the norm was finite).</summary>
    public bool Stepped { get; }

    /// <summary>The global gradient norm before clipping; NaN or infinite when the step was skipped.</summary>
    public double GradientNorm { get; }

    /// <summary>How many parameters had no gradient (null: not reached by the backward pass, or cleared by <c>zero_grad()</c>) and were skipped.</summary>
    public int ParametersWithoutGradient { get; }

    /// <summary>On a skipped step, the first parameter whose gradient held NaN or Inf (its position, or its name when it has one), described; otherwise <see langword="null"/>.</summary>
    public NonFiniteGradient? FirstNonFinite { get; }

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
    public bool Equals(GuardedStepResult other) =>
        Stepped == other.Stepped && GradientNorm.Equals(other.GradientNorm) && ParametersWithoutGradient == other.ParametersWithoutGradient;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GuardedStepResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (Stepped ? 1 : 0) ^ GradientNorm.GetHashCode() ^ (ParametersWithoutGradient << 1);

    /// <inheritdoc />
    public override string ToString() =>
        (Stepped ? "stepped" : "skipped (non-finite gradient norm)") + ", gradient norm " + Numbers.Format(GradientNorm) +
        (FirstNonFinite is null ? string.Empty : "; " + FirstNonFinite) +
        (ParametersWithoutGradient == 0 ? string.Empty : $"; {ParametersWithoutGradient} parameter(s) without a gradient skipped");
}

using TorchSharp;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// Numerically stable forms of the operations that send training to NaN, each one call, each with a gradient that
/// stays finite at the boundary. The names follow TorchSharp's (snake_case) because they stand where a torch op
/// stood; NanGuard's code fixes insert them.
/// </summary>
/// <remarks>
/// How each keeps its gradient finite:
/// <list type="bullet">
/// <item><description><see cref="safe_log"/> and <see cref="cross_entropy_from_probs"/>: <b>clamp</b>. The input is
/// clamped to at least eps before the log; below eps the forward value is <c>log(eps)</c> and the gradient is 0 (the
/// clamp passes no gradient), above it the gradient is <c>1/x &lt;= 1/eps</c>.</description></item>
/// <item><description><see cref="safe_sqrt"/>: <b>double where</b>. Where <c>x &lt;= eps</c> the square root is taken
/// of 1 instead and the result replaced by 0, so neither the forward value nor the gradient of the masked-out
/// branch is infinite (a single <c>where</c> would still send <c>0 * inf = NaN</c> into the gradient).</description></item>
/// <item><description><see cref="safe_div"/>: <b>double where</b> on the denominator. A denominator whose magnitude
/// is below eps is replaced by <c>±eps</c> (keeping its sign, +eps for 0) before dividing; the replaced entries pass
/// no gradient to the denominator.</description></item>
/// <item><description><see cref="safe_normalize"/>: <b>norm-style masking</b>, as <c>F.normalize</c>: the vector is
/// divided by <c>max(‖x‖₂, eps)</c>; the 2-norm's own backward is 0 at 0.</description></item>
/// </list>
/// Every eps must be finite and greater than 0; a wrong argument throws before any TorchSharp call, naming it.
/// </remarks>
public static class StableOps
{
    /// <summary>The default eps of <see cref="safe_log"/>, <see cref="safe_div"/>, <see cref="safe_sqrt"/> and <see cref="cross_entropy_from_probs"/>: 1e-8.</summary>
    public const double DefaultEps = 1e-8;

    /// <summary>The default eps of <see cref="safe_normalize"/>: 1e-12, as <c>torch.nn.functional.normalize</c>.</summary>
    public const double DefaultNormalizeEps = 1e-12;

    /// <summary>
    /// <c>log(max(input, eps))</c>: the log of a value that may reach 0 (a probability, a ReLU output, a count, <c>1 - p</c>)
    /// without -Inf forward or Inf backward.
    /// </summary>
    /// <param name="input">The tensor to take the log of.</param>
    /// <param name="eps">The floor, default <see cref="DefaultEps"/> (log(1e-8) ≈ -18.4). Below it the gradient is 0.</param>
    /// <returns>A new tensor, <c>log(input.clamp_min(eps))</c>.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="eps"/> is not finite and positive.</exception>
    public static Tensor safe_log(Tensor input, double eps = DefaultEps)
    {
        Require.NotNull(input, nameof(input));
        Require.Positive(eps, nameof(eps));
        using var clamped = input.clamp_min(eps);
        return clamped.log();
    }

    /// <summary>
    /// Cross entropy from probabilities (a softmax already applied) against target probabilities, with the log
    /// clamped: <c>-(target * log(max(probs, eps))).sum(dim)</c>, reduced over the batch.
    /// </summary>
    /// <remarks>Prefer <c>F.cross_entropy(logits, target)</c> when you still have the logits; this is for code that only has probabilities.</remarks>
    /// <param name="probs">Predicted probabilities, for example <c>[batch, classes]</c>.</param>
    /// <param name="target">Target probabilities (one-hot or soft labels), shaped like <paramref name="probs"/>.</param>
    /// <param name="dim">The class dimension, default 1.</param>
    /// <param name="eps">The floor of the probabilities before the log, default <see cref="DefaultEps"/>.</param>
    /// <param name="reduction">
    /// <see cref="nn.Reduction.Mean"/> (default): mean over the remaining dimensions of the per-sample sums, as
    /// <c>F.cross_entropy</c> with probability targets; <see cref="nn.Reduction.Sum"/>: their sum;
    /// <see cref="nn.Reduction.None"/>: the per-sample losses.
    /// </param>
    /// <returns>The loss.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="probs"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="eps"/> is not finite and positive, or <paramref name="reduction"/> is not a defined value.</exception>
    public static Tensor cross_entropy_from_probs(Tensor probs, Tensor target, long dim = 1, double eps = DefaultEps, nn.Reduction reduction = nn.Reduction.Mean)
    {
        Require.NotNull(probs, nameof(probs));
        Require.NotNull(target, nameof(target));
        Require.Positive(eps, nameof(eps));
        RequireReduction(reduction);
        using var logp = safe_log(probs, eps);
        using var weighted = target * logp;
        using var perSample = weighted.sum(dim);
        var loss = perSample.neg();
        if (reduction == nn.Reduction.None)
        {
            return loss;
        }

        using (loss)
        {
            return reduction == nn.Reduction.Sum ? loss.sum() : loss.mean();
        }
    }

    /// <summary>
    /// <c>numerator / denominator</c> with every denominator whose magnitude is below eps replaced by <c>±eps</c>
    /// (its sign kept; +eps for 0), so a zero denominator (an empty mask's count, a zero std) gives a large finite
    /// value, not Inf or NaN.
    /// </summary>
    /// <param name="numerator">The dividend.</param>
    /// <param name="denominator">The divisor; broadcasts against <paramref name="numerator"/>.</param>
    /// <param name="eps">The smallest magnitude a divisor keeps, default <see cref="DefaultEps"/>.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="numerator"/> or <paramref name="denominator"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="eps"/> is not finite and positive.</exception>
    public static Tensor safe_div(Tensor numerator, Tensor denominator, double eps = DefaultEps)
    {
        Require.NotNull(numerator, nameof(numerator));
        Require.NotNull(denominator, nameof(denominator));
        Require.Positive(eps, nameof(eps));
        using var magnitude = denominator.abs();
        using var small = magnitude.lt(eps);
        using var negative = denominator.lt(0);
        using var ones = torch.ones_like(denominator);
        using var plusEps = ones.mul(eps);
        using var minusEps = ones.mul(-eps);
        using var replacement = torch.where(negative, minusEps, plusEps);
        using var safe = torch.where(small, replacement, denominator);
        return numerator / safe;
    }

    /// <summary>
    /// <c>sqrt(x)</c> where <c>x &gt; eps</c>, else 0, by a double where: the gradient is finite everywhere (0 where
    /// <c>x &lt;= eps</c>), unlike <c>sqrt</c>'s infinite gradient at 0. Negative inputs give 0, not NaN.
    /// </summary>
    /// <remarks>For the square root of a sum of squares, <c>torch.linalg.vector_norm</c> is exact and its backward is 0 at 0.</remarks>
    /// <param name="input">The tensor.</param>
    /// <param name="eps">Values at or below it give 0, default <see cref="DefaultEps"/> (the forward error is at most <c>sqrt(eps)</c> = 1e-4).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="eps"/> is not finite and positive.</exception>
    public static Tensor safe_sqrt(Tensor input, double eps = DefaultEps)
    {
        Require.NotNull(input, nameof(input));
        Require.Positive(eps, nameof(eps));
        using var keep = input.gt(eps);
        using var ones = torch.ones_like(input);
        using var zeros = torch.zeros_like(input);
        using var inside = torch.where(keep, input, ones);
        using var root = inside.sqrt();
        return torch.where(keep, root, zeros);
    }

    /// <summary>
    /// <c>input / max(‖input‖₂, eps)</c> along <paramref name="dim"/>: unit vectors, and 0 (not NaN) for a zero
    /// vector. Equal to <c>F.normalize(input, 2.0, dim, eps)</c>, here so that every NanGuard fix calls one family.
    /// </summary>
    /// <param name="input">The tensor.</param>
    /// <param name="dim">The dimension to normalise over, default 1.</param>
    /// <param name="eps">The smallest norm divided by, default <see cref="DefaultNormalizeEps"/>.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="eps"/> is not finite and positive.</exception>
    public static Tensor safe_normalize(Tensor input, long dim = 1, double eps = DefaultNormalizeEps)
    {
        Require.NotNull(input, nameof(input));
        Require.Positive(eps, nameof(eps));
        using var norm = torch.linalg.vector_norm(input, 2d, new[] { dim }, keepdim: true);
        using var floor = norm.clamp_min(eps);
        return input / floor;
    }

    private static void RequireReduction(nn.Reduction reduction)
    {
        if (reduction is not (nn.Reduction.None or nn.Reduction.Mean or nn.Reduction.Sum))
        {
            throw new System.ArgumentOutOfRangeException(nameof(reduction), reduction, "Must be None, Mean or Sum.");
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace NanGuard.Runtime;

/// <summary>
/// Spike detection by one of two rules (see <see cref="SpikeOptions"/>): the loss against a bias-corrected
/// exponential moving average of the accepted losses (<see cref="SpikeRule.MovingAverage"/>), or the loss and the
/// gradient norm against the mean plus some standard deviations of a rolling window (<see cref="SpikeRule.RollingSigma"/>).
/// Plain numbers in, a verdict out: no TorchSharp.
/// </summary>
public sealed class SpikeDetector
{
    private readonly SpikeOptions _options;
    private State _state = State.Empty;

    /// <summary>Creates a detector.</summary>
    /// <param name="options">The spike rule; copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public SpikeDetector(SpikeOptions options)
    {
        _options = Require.NotNull(options, nameof(options)).Clone();
    }

    /// <summary>How many losses were accepted (all of them, not only those in the rolling window).</summary>
    public long AcceptedCount => _state.Count;

    /// <summary>The mean the loss is judged against (moving average, or the window's mean), or <see langword="null"/> before the first loss.</summary>
    public double? Average => IsRolling
        ? Mean(_state.Losses)
        : _state.Count == 0 ? null : _state.Ema / (1 - Math.Pow(_options.Smoothing, _state.Count));

    /// <summary>The loss above which a loss is a spike, or <see langword="null"/> while warming up.</summary>
    public double? Threshold
    {
        get
        {
            if (IsRolling)
            {
                return RollingThreshold(_state.Losses);
            }

            if (_state.Count < _options.WarmupSteps || Average is not double mean)
            {
                return null;
            }

            return mean + ((_options.SpikeFactor - 1) * Math.Max(Math.Abs(mean), _options.MinimumScale));
        }
    }

    /// <summary>With <see cref="SpikeRule.RollingSigma"/>: the gradient norm above which a norm is a spike, or <see langword="null"/> while warming up (always null under the moving-average rule, which judges losses only).</summary>
    public double? NormThreshold => IsRolling ? RollingThreshold(_state.Norms) : null;

    private bool IsRolling => _options.Rule == SpikeRule.RollingSigma;

    /// <summary>Whether <paramref name="loss"/> is a spike. A non-finite loss is not a spike (it is worse, and judged elsewhere).</summary>
    /// <param name="loss">The loss of the current step.</param>
    /// <returns><see langword="true"/> when the loss exceeds <see cref="Threshold"/>.</returns>
    public bool IsSpike(double loss) => Numbers.IsFinite(loss) && Threshold is double limit && loss > limit;

    /// <summary>Whether <paramref name="gradientNorm"/> is a spike (only under <see cref="SpikeRule.RollingSigma"/>).</summary>
    /// <param name="gradientNorm">The global gradient norm of the current step, before clipping.</param>
    /// <returns><see langword="true"/> when the norm exceeds <see cref="NormThreshold"/>.</returns>
    public bool IsNormSpike(double gradientNorm) => Numbers.IsFinite(gradientNorm) && NormThreshold is double limit && gradientNorm > limit;

    /// <summary>Folds a finite loss into the average; a non-finite loss is ignored.</summary>
    /// <param name="loss">The loss of a step that was taken.</param>
    public void Accept(double loss) => Accept(loss, null);

    /// <summary>Folds a step's finite loss, and its finite gradient norm when measured, into the statistics.</summary>
    /// <param name="loss">The loss of a step that was taken; ignored when not finite.</param>
    /// <param name="gradientNorm">Its gradient norm, or <see langword="null"/> when not measured; ignored when not finite.</param>
    public void Accept(double loss, double? gradientNorm)
    {
        if (!Numbers.IsFinite(loss))
        {
            return;
        }

        var losses = IsRolling ? Push(_state.Losses, loss) : _state.Losses;
        var norms = IsRolling && Numbers.IsFinite(gradientNorm) ? Push(_state.Norms, gradientNorm!.Value) : _state.Norms;
        _state = new State(_state.Count + 1, (_options.Smoothing * _state.Ema) + ((1 - _options.Smoothing) * loss), losses, norms);
    }

    /// <summary>The detector's state, to keep beside a snapshot of the model.</summary>
    /// <returns>An opaque copy of the state.</returns>
    public State Save() => _state;

    /// <summary>Restores the state saved with a snapshot, so that a rolled-back model is judged against the average it had then.</summary>
    /// <param name="state">A state from <see cref="Save"/>.</param>
    public void Restore(State state) => _state = state.Losses is null ? State.Empty : state;

    private double? RollingThreshold(IReadOnlyList<double> window)
    {
        if (window.Count < Math.Max(2, Math.Min(_options.WarmupSteps, _options.Window)))
        {
            return null;
        }

        var mean = window.Average();
        var variance = window.Sum(v => (v - mean) * (v - mean)) / (window.Count - 1);
        return mean + (_options.SigmaFactor * Math.Sqrt(variance));
    }

    private static double? Mean(IReadOnlyList<double> window) => window.Count == 0 ? null : window.Average();

    private double[] Push(double[] window, double value)
    {
        // Immutable arrays: a saved state never changes after the detector moves on.
        var keep = Math.Min(window.Length, _options.Window - 1);
        var next = new double[keep + 1];
        Array.Copy(window, window.Length - keep, next, 0, keep);
        next[keep] = value;
        return next;
    }

    /// <summary>The detector's state: how many losses, their running (uncorrected) EMA, and the rolling windows.</summary>
    public readonly struct State
    {
        internal static readonly State Empty = new(0, 0, Array.Empty<double>(), Array.Empty<double>());

        internal State(long count, double ema, double[] losses, double[] norms)
        {
            Count = count;
            Ema = ema;
            Losses = losses;
            Norms = norms;
        }

        /// <summary>How many losses were accepted.</summary>
        public long Count { get; }

        /// <summary>The exponential moving average before bias correction.</summary>
        public double Ema { get; }

        /// <summary>The rolling window of accepted losses, oldest first (empty under the moving-average rule).</summary>
        internal double[] Losses { get; }

        /// <summary>The rolling window of accepted gradient norms, oldest first.</summary>
        internal double[] Norms { get; }
    }
}

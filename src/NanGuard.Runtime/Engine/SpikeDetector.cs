using System;

namespace NanGuard.Runtime;

/// <summary>
/// Loss-spike detection against a bias-corrected exponential moving average of the accepted losses (see
/// <see cref="SpikeOptions"/> for the rule). Plain numbers in, a verdict out: no TorchSharp.
/// </summary>
public sealed class SpikeDetector
{
    private readonly SpikeOptions _options;
    private State _state;

    /// <summary>Creates a detector.</summary>
    /// <param name="options">The spike rule; copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public SpikeDetector(SpikeOptions options)
    {
        _options = Require.NotNull(options, nameof(options)).Clone();
    }

    /// <summary>How many losses the average holds.</summary>
    public long AcceptedCount => _state.Count;

    /// <summary>The moving average of the accepted losses, or <see langword="null"/> before the first one.</summary>
    public double? Average => _state.Count == 0 ? null : _state.Ema / (1 - Math.Pow(_options.Smoothing, _state.Count));

    /// <summary>The loss above which a loss is a spike, or <see langword="null"/> while warming up.</summary>
    public double? Threshold
    {
        get
        {
            if (_state.Count < _options.WarmupSteps || Average is not double mean)
            {
                return null;
            }

            return mean + ((_options.SpikeFactor - 1) * Math.Max(Math.Abs(mean), _options.MinimumScale));
        }
    }

    /// <summary>Whether <paramref name="loss"/> is a spike. A non-finite loss is not a spike (it is worse, and judged elsewhere).</summary>
    /// <param name="loss">The loss of the current step.</param>
    /// <returns><see langword="true"/> when the loss exceeds <see cref="Threshold"/>.</returns>
    public bool IsSpike(double loss) => Numbers.IsFinite(loss) && Threshold is double limit && loss > limit;

    /// <summary>Folds a finite loss into the average; a non-finite loss is ignored.</summary>
    /// <param name="loss">The loss of a step that was taken.</param>
    public void Accept(double loss)
    {
        if (!Numbers.IsFinite(loss))
        {
            return;
        }

        _state = new State(_state.Count + 1, (_options.Smoothing * _state.Ema) + ((1 - _options.Smoothing) * loss));
    }

    /// <summary>The detector's state, to keep beside a snapshot of the model.</summary>
    /// <returns>An opaque copy of the state.</returns>
    public State Save() => _state;

    /// <summary>Restores the state saved with a snapshot, so that a rolled-back model is judged against the average it had then.</summary>
    /// <param name="state">A state from <see cref="Save"/>.</param>
    public void Restore(State state) => _state = state;

    /// <summary>The detector's state: how many losses and their running (uncorrected) EMA.</summary>
    public readonly struct State
    {
        internal State(long count, double ema)
        {
            Count = count;
            Ema = ema;
        }

        /// <summary>How many losses were accepted.</summary>
        public long Count { get; }

        /// <summary>The exponential moving average before bias correction.</summary>
        public double Ema { get; }
    }
}

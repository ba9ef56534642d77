using System;

namespace NanGuard.Runtime;

/// <summary>
/// How a <see cref="TrainingGuard"/> (or a <see cref="GuardPolicyEngine"/>) decides. Every setter checks its value at
/// once and throws <see cref="ArgumentOutOfRangeException"/> naming the property; the guard copies the options when
/// it is built, so changing them afterwards does not change a running guard.
/// </summary>
public sealed class GuardOptions
{
    private double _maxNorm = 1.0;
    private double _normType = 2.0;
    private double _backOffFactor = 0.5;
    private double _recoveryFactor = 2.0;
    private int _recoverySteps = 100;
    private double _minLearningRateScale = 1e-4;
    private int _maxConsecutiveBadSteps = 10;
    private int _snapshotInterval = 100;

    /// <summary>What to do on a bad step. Default <see cref="GuardPolicy.Skip"/>.</summary>
    public GuardPolicy Policy { get; set; } = GuardPolicy.Skip;

    /// <summary>
    /// The global gradient norm is clipped to this value (as <c>torch.nn.utils.clip_grad_norm_</c>). Default 1.0.
    /// Must be greater than 0; <see cref="double.PositiveInfinity"/> measures the norm without clipping.
    /// </summary>
    public double MaxNorm
    {
        get => _maxNorm;
        set => _maxNorm = Require.Positive(value, nameof(MaxNorm), allowPositiveInfinity: true);
    }

    /// <summary>The p of the p-norm used for the global gradient norm. Default 2.0; <see cref="double.PositiveInfinity"/> for the max norm.</summary>
    public double NormType
    {
        get => _normType;
        set => _normType = Require.Positive(value, nameof(NormType), allowPositiveInfinity: true);
    }

    /// <summary>With <see cref="GuardPolicy.BackOff"/>: the learning rate is multiplied by this on a bad step. Default 0.5 (GradScaler's backoff_factor); strictly between 0 and 1.</summary>
    public double BackOffFactor
    {
        get => _backOffFactor;
        set => _backOffFactor = Require.OpenUnit(value, nameof(BackOffFactor));
    }

    /// <summary>With <see cref="GuardPolicy.BackOff"/>: the learning rate is multiplied by this after <see cref="RecoverySteps"/> clean steps in a row, up to the rate it had before any back-off. Default 2.0 (GradScaler's growth_factor); greater than 1.</summary>
    public double RecoveryFactor
    {
        get => _recoveryFactor;
        set => _recoveryFactor = Require.AboveOne(value, nameof(RecoveryFactor));
    }

    /// <summary>With <see cref="GuardPolicy.BackOff"/>: the number of clean steps in a row after which the learning rate recovers by one <see cref="RecoveryFactor"/>. Default 100; at least 1.</summary>
    public int RecoverySteps
    {
        get => _recoverySteps;
        set => _recoverySteps = Require.AtLeast(value, 1, nameof(RecoverySteps));
    }

    /// <summary>With <see cref="GuardPolicy.BackOff"/>: the learning rate never falls below this fraction of its original value. Default 1e-4; in (0, 1].</summary>
    public double MinLearningRateScale
    {
        get => _minLearningRateScale;
        set
        {
            if (double.IsNaN(value) || value <= 0 || value > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MinLearningRateScale), value, "Must lie in (0, 1].");
            }

            _minLearningRateScale = value;
        }
    }

    /// <summary>The guard stops (throws) when this many bad steps follow one another, whatever the policy. Default 10; at least 1.</summary>
    public int MaxConsecutiveBadSteps
    {
        get => _maxConsecutiveBadSteps;
        set => _maxConsecutiveBadSteps = Require.AtLeast(value, 1, nameof(MaxConsecutiveBadSteps));
    }

    /// <summary>
    /// With <see cref="GuardPolicy.Rollback"/>: the known-good state is refreshed after the first clean step and then
    /// after every this many clean steps. Default 100; at least 1.
    /// </summary>
    public int SnapshotInterval
    {
        get => _snapshotInterval;
        set => _snapshotInterval = Require.AtLeast(value, 1, nameof(SnapshotInterval));
    }

    /// <summary>Loss-spike detection; <see langword="null"/> (the default) turns it off.</summary>
    public SpikeOptions? SpikeDetection { get; set; }

    /// <summary>A copy, so that a running guard does not see later changes.</summary>
    /// <returns>An independent copy of these options.</returns>
    public GuardOptions Clone()
    {
        var copy = (GuardOptions)MemberwiseClone();
        copy.SpikeDetection = SpikeDetection?.Clone();
        return copy;
    }
}

/// <summary>
/// When a finite loss counts as a spike: once <see cref="WarmupSteps"/> losses have been accepted, a loss is a spike
/// when it exceeds the moving average m by more than <c>(SpikeFactor - 1) * max(|m|, MinimumScale)</c>. For a
/// positive average that is simply <c>loss &gt; SpikeFactor * m</c>. The moving average is an exponential one with
/// bias correction (as Adam's): <c>m = EMA / (1 - Smoothing^n)</c>; spikes and non-finite losses are kept out of it.
/// With <see cref="Rule"/> = <see cref="SpikeRule.RollingSigma"/> (<see cref="RollingSigma"/>), the rule of large-model
/// training instead: a loss, or a gradient norm, is a spike when it is more than <see cref="SigmaFactor"/> standard
/// deviations above the mean of the last <see cref="Window"/> accepted values.
/// </summary>
public sealed class SpikeOptions
{
    private double _spikeFactor = 3.0;
    private int _window = 128;
    private double _sigmaFactor = 6.0;
    private double _smoothing = 0.9;
    private int _warmupSteps = 10;
    private double _minimumScale = 1e-3;

    /// <summary>How many times the moving average a loss must reach to count as a spike. Default 3.0; greater than 1.</summary>
    public double SpikeFactor
    {
        get => _spikeFactor;
        set => _spikeFactor = Require.AboveOne(value, nameof(SpikeFactor));
    }

    /// <summary>The weight of the past in the exponential moving average. Default 0.9 (about the last 10 losses); in [0, 1).</summary>
    public double Smoothing
    {
        get => _smoothing;
        set
        {
            if (double.IsNaN(value) || value < 0 || value >= 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Smoothing), value, "Must lie in [0, 1).");
            }

            _smoothing = value;
        }
    }

    /// <summary>No loss counts as a spike until this many losses were accepted into the average. Default 10; at least 1.</summary>
    public int WarmupSteps
    {
        get => _warmupSteps;
        set => _warmupSteps = Require.AtLeast(value, 1, nameof(WarmupSteps));
    }

    /// <summary>The smallest scale a spike is measured against, so that a loss near 0 does not make noise a spike. Default 1e-3; greater than 0.</summary>
    public double MinimumScale
    {
        get => _minimumScale;
        set => _minimumScale = Require.Positive(value, nameof(MinimumScale));
    }

    /// <summary>Which rule judges a spike. Default <see cref="SpikeRule.MovingAverage"/>.</summary>
    public SpikeRule Rule { get; set; } = SpikeRule.MovingAverage;

    /// <summary>With <see cref="SpikeRule.RollingSigma"/>: how many of the latest accepted values the mean and standard deviation are taken over. Default 128; at least 2.</summary>
    public int Window
    {
        get => _window;
        set => _window = Require.AtLeast(value, 2, nameof(Window));
    }

    /// <summary>With <see cref="SpikeRule.RollingSigma"/>: how many standard deviations above the window's mean make a spike. Default 6.0; greater than 0.</summary>
    public double SigmaFactor
    {
        get => _sigmaFactor;
        set => _sigmaFactor = Require.Positive(value, nameof(SigmaFactor));
    }

    /// <summary>
    /// OLMo-core's skip-step rule (its <c>SkipStepOptimizer</c>): skip a step whose loss or gradient norm is more than
    /// <paramref name="sigmaFactor"/> standard deviations above the mean of the last <paramref name="window"/> steps,
    /// judged once <c>max(20, window / 2)</c> values were seen (capped at the window).
    /// </summary>
    /// <param name="window">The rolling window. Default 128; at least 2.</param>
    /// <param name="sigmaFactor">The standard deviations. Default 6; greater than 0.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (named).</exception>
    public static SpikeOptions RollingSigma(int window = 128, double sigmaFactor = 6.0)
    {
        Require.AtLeast(window, 2, nameof(window));
        Require.Positive(sigmaFactor, nameof(sigmaFactor));
        return new SpikeOptions
        {
            Rule = SpikeRule.RollingSigma,
            Window = window,
            SigmaFactor = sigmaFactor,
            WarmupSteps = Math.Min(Math.Max(20, window / 2), window),
        };
    }

    /// <summary>A copy, so that a running detector does not see later changes.</summary>
    /// <returns>An independent copy of these options.</returns>
    public SpikeOptions Clone() => (SpikeOptions)MemberwiseClone();
}

/// <summary>How <see cref="SpikeDetector"/> judges a spike.</summary>
public enum SpikeRule
{
    /// <summary>The loss against <see cref="SpikeOptions.SpikeFactor"/> times its bias-corrected moving average.</summary>
    MovingAverage = 0,

    /// <summary>
    /// The loss, and the gradient norm where measured, against the mean plus <see cref="SpikeOptions.SigmaFactor"/>
    /// standard deviations of the last <see cref="SpikeOptions.Window"/> accepted values (OLMo-core's skip-step rule).
    /// </summary>
    RollingSigma = 1,
}

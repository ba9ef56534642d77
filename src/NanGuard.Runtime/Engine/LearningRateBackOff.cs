using System;

namespace NanGuard.Runtime;

/// <summary>
/// The learning-rate scale of <see cref="GuardPolicy.BackOff"/>, kept the way PyTorch's GradScaler keeps its loss
/// scale: multiplied by <see cref="GuardOptions.BackOffFactor"/> on every bad step, multiplied by
/// <see cref="GuardOptions.RecoveryFactor"/> after <see cref="GuardOptions.RecoverySteps"/> clean steps in a row, and
/// kept within [<see cref="GuardOptions.MinLearningRateScale"/>, 1]: the guard lowers the user's rate, never raises it
/// above where it started.
/// </summary>
public sealed class LearningRateBackOff
{
    private readonly double _backOffFactor;
    private readonly double _recoveryFactor;
    private readonly int _recoverySteps;
    private readonly double _minScale;

    /// <summary>Creates a scheduler at scale 1.</summary>
    /// <param name="options">Supplies the factors and the interval; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public LearningRateBackOff(GuardOptions options)
    {
        Require.NotNull(options, nameof(options));
        _backOffFactor = options.BackOffFactor;
        _recoveryFactor = options.RecoveryFactor;
        _recoverySteps = options.RecoverySteps;
        _minScale = options.MinLearningRateScale;
    }

    /// <summary>The current multiplier of the original learning rate, in [MinLearningRateScale, 1].</summary>
    public double Scale { get; private set; } = 1.0;

    /// <summary>Clean steps since the last bad step or the last recovery.</summary>
    public int CleanSteps { get; private set; }

    /// <summary>The scale after one more back-off, without applying it.</summary>
    /// <returns>The lowered scale.</returns>
    public double PeekBackOff() => Math.Max(Scale * _backOffFactor, _minScale);

    /// <summary>The scale after one more clean step, without applying it.</summary>
    /// <returns>The scale, raised by one recovery when this clean step completes the interval.</returns>
    public double PeekCleanStep() =>
        Scale < 1.0 && CleanSteps + 1 >= _recoverySteps ? Math.Min(Scale * _recoveryFactor, 1.0) : Scale;

    /// <summary>Lowers the scale (a bad step under <see cref="GuardPolicy.BackOff"/>).</summary>
    /// <returns>The new scale.</returns>
    public double BackOff()
    {
        Scale = PeekBackOff();
        CleanSteps = 0;
        return Scale;
    }

    /// <summary>Forgets the clean streak (any bad step, whatever the policy).</summary>
    public void OnBadStep() => CleanSteps = 0;

    /// <summary>Counts a clean step and recovers when the streak reaches the interval.</summary>
    /// <returns><see langword="true"/> when the scale rose.</returns>
    public bool OnCleanStep()
    {
        var next = PeekCleanStep();
        if (next != Scale)
        {
            Scale = next;
            CleanSteps = 0;
            return true;
        }

        CleanSteps = Scale < 1.0 ? CleanSteps + 1 : 0;
        return false;
    }
}

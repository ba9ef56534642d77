using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// A dynamic loss scaler with PyTorch <c>GradScaler</c>'s semantics, which TorchSharp lacks: back-propagate
/// <see cref="scale(Tensor)"/> of the loss so that small float16 gradients do not underflow, unscale the gradients
/// before clipping, check them all for NaN and Inf at once, skip the step and halve the scale when they overflowed,
/// double it after 2000 clean steps (<see cref="LossScalerOptions"/>). One call a step does the rest:
/// <see cref="TrainingGuard.Step(Tensor, LossScaler)"/> or <see cref="GuardedStep.ClipAndStep(optim.Optimizer, IEnumerable{Parameter}, double, LossScaler)"/>.
/// Save its state beside the model's (<see cref="Save(Stream)"/>, <see cref="Load(Stream)"/>).
/// </summary>
/// <example>
/// <code>
/// var scaler = new LossScaler();
/// using var loss = F.cross_entropy(model.call(x), y);   // computed in float32
/// using var scaled = scaler.scale(loss);
/// scaled.backward();
/// guard.Step(loss, scaler);                              // unscale, check, clip, step or skip, update the scale
/// </code>
/// </example>
public sealed class LossScaler
{
    private readonly LossScaleSchedule _schedule;
    private bool _unscaled;
    private long _updates;

    /// <summary>Creates a scaler at <see cref="LossScalerOptions.InitialScale"/>.</summary>
    /// <param name="options">The factors and the interval (copied); <see langword="null"/> for GradScaler's defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The initial scale is below the minimum scale.</exception>
    public LossScaler(LossScalerOptions? options = null)
    {
        _schedule = new LossScaleSchedule(options);
    }

    /// <summary>A copy of the options.</summary>
    public LossScalerOptions Options => _schedule.Options;

    /// <summary>The scale the next loss is multiplied by.</summary>
    public double Scale => _schedule.Scale;

    /// <summary>Clean steps in a row since the scale last changed or a step overflowed.</summary>
    public int GrowthTracker => _schedule.GrowthTracker;

    /// <summary>Steps skipped because the gradients were not finite.</summary>
    public long Overflows => _schedule.Overflows;

    /// <summary>Times the scale grew.</summary>
    public long Growths => _schedule.Growths;

    /// <summary>
    /// Where the scaler writes its scale (<see cref="TensorBoardLog.LossScaleTag"/>) and its back-off count
    /// (<see cref="TensorBoardLog.LossScaleBackOffsTag"/>), every <see cref="TensorBoardLog.Interval"/> updates and at
    /// every back-off; <see langword="null"/> (the default) writes nothing. Under
    /// <see cref="TrainingGuard.Step(Tensor, LossScaler)"/> it writes at the guard's step; updated otherwise (by
    /// <see cref="GuardedStep"/> or by you) it counts its own updates from 1.
    /// </summary>
    public TensorBoardLog? Log { get; set; }

    /// <summary>The loss times <see cref="Scale"/>, to back-propagate instead of the loss (same dtype as the loss: compute the loss in float32).</summary>
    /// <param name="loss">The loss.</param>
    /// <returns>A new tensor; dispose it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    public Tensor scale(Tensor loss)
    {
        Require.NotNull(loss, nameof(loss));
        return loss * Scale;
    }

    /// <summary>
    /// Divides the gradients by <see cref="Scale"/> in place, for code that reads them before the step (to clip or
    /// log them); the guarded step then does not unscale them again. No host synchronisation.
    /// </summary>
    /// <param name="parameters">The parameters; those without a gradient are skipped.</param>
    /// <returns>The names of the parameters skipped because they have no gradient.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The gradients were already unscaled since the last update (as GradScaler refuses a second <c>unscale_</c>).</exception>
    public IReadOnlyList<string> unscale_(IEnumerable<Parameter> parameters)
    {
        Require.NotNull(parameters, nameof(parameters));
        if (_unscaled)
        {
            throw new InvalidOperationException("unscale_ was already called since the last step: the gradients are unscaled.");
        }

        using var scope = torch.NewDisposeScope();
        var gradients = new GradientSet(Gradients.Named(parameters));
        Unscale(gradients);
        return gradients.Without;
    }

    /// <summary>
    /// Judges the step from whether its unscaled gradients are all finite and updates the scale; the guarded step
    /// calls it. Call it yourself only when you step without them.
    /// </summary>
    /// <param name="gradientsFinite">Whether every unscaled gradient is finite.</param>
    /// <returns>Whether to skip the step, and the scale before and after.</returns>
    public LossScaleUpdate Update(bool gradientsFinite)
    {
        var update = UpdateForGuard(gradientsFinite);
        Log?.WriteLossScale(_updates, Scale, Overflows, update.BackedOff || !gradientsFinite);
        return update;
    }

    /// <summary>The update, counted but not logged: the guard logs it at its own step.</summary>
    internal LossScaleUpdate UpdateForGuard(bool gradientsFinite)
    {
        _unscaled = false;
        _updates++;
        return _schedule.Update(gradientsFinite);
    }

    /// <summary>Writes the scale, the growth tracker and the counts, to keep beside the model's and the optimizer's state.</summary>
    /// <param name="stream">The stream; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public void Save(Stream stream) => _schedule.Save(stream);

    /// <summary>Restores what <see cref="Save(Stream)"/> wrote.</summary>
    /// <param name="stream">The stream; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidDataException">The stream does not hold a loss scaler's state.</exception>
    public void Load(Stream stream)
    {
        _schedule.Load(stream);
        _unscaled = false;
    }

    /// <summary>Writes the state to a file (for example beside <c>model.save(path)</c>).</summary>
    /// <param name="path">The file; created or overwritten.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    public void Save(string path)
    {
        Require.NotNull(path, nameof(path));
        using var file = File.Create(path);
        Save(file);
    }

    /// <summary>Restores the state from a file written by <see cref="Save(string)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="InvalidDataException">The file does not hold a loss scaler's state.</exception>
    public void Load(string path)
    {
        Require.NotNull(path, nameof(path));
        using var file = File.OpenRead(path);
        Load(file);
    }

    /// <summary>Unscales the step's gradients unless the user already did.</summary>
    internal void UnscaleOnce(GradientSet gradients)
    {
        if (!_unscaled)
        {
            Unscale(gradients);
        }
    }

    private void Unscale(GradientSet gradients)
    {
        // The scale is a power of two times the initial scale: its inverse is exact for the default 2^16.
        gradients.Multiply(1.0 / Scale);
        _unscaled = true;
    }
}

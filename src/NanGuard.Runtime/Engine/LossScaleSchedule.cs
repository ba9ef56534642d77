using System;
using System.IO;

namespace NanGuard.Runtime;

/// <summary>
/// The options of a <see cref="LossScaler"/>, PyTorch's <c>GradScaler</c> defaults: start at 2^16, multiply by 0.5 on
/// every step whose gradients are not finite (and skip it), multiply by 2.0 after 2000 clean steps in a row. Every
/// setter checks its value at once and throws <see cref="ArgumentOutOfRangeException"/> naming the property.
/// </summary>
public sealed class LossScalerOptions
{
    private double _initialScale = 65536.0;
    private double _growthFactor = 2.0;
    private double _backOffFactor = 0.5;
    private int _growthInterval = 2000;
    private double _minScale = 1.0;

    /// <summary>The scale of the first step. Default 65536 (2^16, GradScaler's <c>init_scale</c>); finite, at least <see cref="MinScale"/> when used.</summary>
    public double InitialScale
    {
        get => _initialScale;
        set => _initialScale = Require.Positive(value, nameof(InitialScale));
    }

    /// <summary>The scale is multiplied by this after <see cref="GrowthInterval"/> clean steps in a row. Default 2.0 (<c>growth_factor</c>); greater than 1.</summary>
    public double GrowthFactor
    {
        get => _growthFactor;
        set => _growthFactor = Require.AboveOne(value, nameof(GrowthFactor));
    }

    /// <summary>The scale is multiplied by this on a step whose gradients are not finite. Default 0.5 (<c>backoff_factor</c>); strictly between 0 and 1.</summary>
    public double BackOffFactor
    {
        get => _backOffFactor;
        set => _backOffFactor = Require.OpenUnit(value, nameof(BackOffFactor));
    }

    /// <summary>Clean steps in a row before the scale grows. Default 2000 (<c>growth_interval</c>); at least 1.</summary>
    public int GrowthInterval
    {
        get => _growthInterval;
        set => _growthInterval = Require.AtLeast(value, 1, nameof(GrowthInterval));
    }

    /// <summary>
    /// The scale never backs off below this. Default 1.0 (GradScaler has no floor): below 1 a scale no longer keeps
    /// small gradients from underflowing, so a non-finite gradient at the floor is not an overflow the scale explains,
    /// and <see cref="TrainingGuard"/> hands it to its policy.
    /// </summary>
    public double MinScale
    {
        get => _minScale;
        set => _minScale = Require.Positive(value, nameof(MinScale));
    }

    /// <summary>A copy, so that a running scaler does not see later changes.</summary>
    /// <returns>An independent copy of these options.</returns>
    public LossScalerOptions Clone() => (LossScalerOptions)MemberwiseClone();
}

/// <summary>
/// The loss scale's decisions in plain numbers (GradScaler's <c>update()</c>): on a step whose gradients are not
/// finite, skip it and back the scale off (down to <see cref="LossScalerOptions.MinScale"/>); after
/// <see cref="LossScalerOptions.GrowthInterval"/> clean steps in a row, grow it. <see cref="LossScaler"/> carries the
/// decisions out on tensors.
/// </summary>
public sealed class LossScaleSchedule
{
    private const int FormatVersion = 1;
    private static readonly byte[] Magic = { (byte)'N', (byte)'G', (byte)'L', (byte)'S' };
    private readonly LossScalerOptions _options;

    /// <summary>Creates a schedule at <see cref="LossScalerOptions.InitialScale"/>.</summary>
    /// <param name="options">The factors and the interval; copied. <see langword="null"/> for GradScaler's defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="LossScalerOptions.InitialScale"/> is below <see cref="LossScalerOptions.MinScale"/>.</exception>
    public LossScaleSchedule(LossScalerOptions? options = null)
    {
        _options = (options ?? new LossScalerOptions()).Clone();
        if (_options.InitialScale < _options.MinScale)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.InitialScale, "InitialScale must be at least MinScale.");
        }

        Scale = _options.InitialScale;
    }

    /// <summary>A copy of the options.</summary>
    public LossScalerOptions Options => _options.Clone();

    /// <summary>The current scale.</summary>
    public double Scale { get; private set; }

    /// <summary>Clean steps in a row since the scale last changed or a step overflowed (GradScaler's <c>_growth_tracker</c>).</summary>
    public int GrowthTracker { get; private set; }

    /// <summary>Steps skipped because their gradients were not finite.</summary>
    public long Overflows { get; private set; }

    /// <summary>Times the scale grew.</summary>
    public long Growths { get; private set; }

    /// <summary>Judges one step from whether its (unscaled) gradients are all finite, and updates the scale.</summary>
    /// <param name="gradientsFinite">Whether every gradient is finite.</param>
    /// <returns>What to do with the step and the scale before and after.</returns>
    public LossScaleUpdate Update(bool gradientsFinite)
    {
        var previous = Scale;
        if (!gradientsFinite)
        {
            Overflows++;
            GrowthTracker = 0;
            Scale = Math.Max(Scale * _options.BackOffFactor, _options.MinScale);
            return new LossScaleUpdate(stepSkipped: true, previous, Scale);
        }

        GrowthTracker++;
        if (GrowthTracker >= _options.GrowthInterval)
        {
            var grown = Scale * _options.GrowthFactor;
            GrowthTracker = 0;
            if (Numbers.IsFinite(grown))
            {
                Scale = grown;
                Growths++;
            }
        }

        return new LossScaleUpdate(stepSkipped: false, previous, Scale);
    }

    /// <summary>Writes the scale and the growth tracker (to keep beside the model's and the optimizer's state).</summary>
    /// <param name="stream">The stream to write to; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public void Save(Stream stream)
    {
        Require.NotNull(stream, nameof(stream));
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Scale);
        writer.Write(GrowthTracker);
        writer.Write(Overflows);
        writer.Write(Growths);
        writer.Flush();
    }

    /// <summary>Reads what <see cref="Save"/> wrote: the scale, the growth tracker and the counts.</summary>
    /// <param name="stream">The stream to read from; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidDataException">The stream does not hold a loss scaler's state, or the state is out of range.</exception>
    public void Load(Stream stream)
    {
        Require.NotNull(stream, nameof(stream));
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var magic = reader.ReadBytes(Magic.Length);
        if (magic.Length != Magic.Length || magic[0] != Magic[0] || magic[1] != Magic[1] || magic[2] != Magic[2] || magic[3] != Magic[3])
        {
            throw new InvalidDataException("Not a NanGuard loss scaler state.");
        }

        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Loss scaler state version {version} is not supported (expected {FormatVersion}).");
        }

        var scale = reader.ReadDouble();
        var tracker = reader.ReadInt32();
        var overflows = reader.ReadInt64();
        var growths = reader.ReadInt64();
        if (!Numbers.IsFinite(scale) || scale <= 0 || tracker < 0 || overflows < 0 || growths < 0)
        {
            throw new InvalidDataException("The loss scaler state is out of range.");
        }

        Scale = scale;
        GrowthTracker = tracker;
        Overflows = overflows;
        Growths = growths;
    }
}

/// <summary>One step's outcome of <see cref="LossScaleSchedule.Update"/>.</summary>
public readonly struct LossScaleUpdate
{
    internal LossScaleUpdate(bool stepSkipped, double previousScale, double scale)
    {
        StepSkipped = stepSkipped;
        PreviousScale = previousScale;
        Scale = scale;
    }

    /// <summary>Whether the step must be skipped (its gradients were not finite).</summary>
    public bool StepSkipped { get; }

    /// <summary>The scale the step's loss was multiplied by.</summary>
    public double PreviousScale { get; }

    /// <summary>The scale for the next step.</summary>
    public double Scale { get; }

    /// <summary>Whether the scale was lowered: the step overflowed above <see cref="LossScalerOptions.MinScale"/>, an overflow the scale explains.</summary>
    public bool BackedOff => Scale < PreviousScale;

    /// <summary>Whether the scale grew.</summary>
    public bool Grew => Scale > PreviousScale;

    /// <inheritdoc />
    public override string ToString() =>
        (StepSkipped ? "skipped (non-finite gradients)" : "stepped") + $", scale {Numbers.Format(PreviousScale)} -> {Numbers.Format(Scale)}";
}

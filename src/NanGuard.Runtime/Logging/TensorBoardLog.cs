using System;
using System.Globalization;
using TorchSharp.Modules;

namespace NanGuard.Runtime;

/// <summary>
/// Where a <see cref="TrainingGuard"/>, a <see cref="DivergenceWatch"/> or a <see cref="LossScaler"/> writes its
/// health for TensorBoard: wraps your <c>torch.utils.tensorboard.SummaryWriter</c> and says how often. Set it as their
/// <c>Log</c> (one log may serve all three). Every <see cref="Interval"/>-th step, and on every bad step whatever the
/// interval, the guard writes the loss, the gradient norm before clipping, the clip coefficient, the learning-rate
/// scale, the loss scale, the spike thresholds and the running counts; each incident is written at its step as text
/// (its diagnosis) and as a marker on <see cref="IncidentTag"/>, and an incident whose gradients are not finite writes
/// the per-module gradient norms around the <see cref="GradientBoundary"/>. The tags are the constants of this class.
/// </summary>
/// <remarks>
/// <para>It writes only numbers the guard already holds on the host: no host synchronisation. TorchSharp 0.107's
/// writer appends each value to its event file at once (it opens, appends and closes the file per value: nothing is
/// buffered, so nothing is lost if the process dies).</para>
/// <para>Logging never stops training: the first write that throws (a folder deleted or not writable, a full disk)
/// turns this log off, keeps the exception in <see cref="Error"/> and raises <see cref="Failed"/> once; with no
/// handler attached, one line goes to standard error instead.</para>
/// <para>Steps are the guard's 1-based <see cref="GuardDiagnosis.StepIndex"/> (a scaler logging alone counts its own
/// updates); values are written as float32, as TensorBoard stores them.</para>
/// </remarks>
public sealed class TensorBoardLog
{
    /// <summary>The step's loss (NaN and infinities included, as read).</summary>
    public const string LossTag = "nanguard/loss";

    /// <summary>The global gradient norm before clipping.</summary>
    public const string GradientNormTag = "nanguard/grad_norm";

    /// <summary>The factor the gradients were clipped by on a step taken: <c>min(1, MaxNorm / (norm + 1e-6))</c>.</summary>
    public const string ClipCoefficientTag = "nanguard/clip_coef";

    /// <summary>The learning-rate scale after the step (1 unless backed off).</summary>
    public const string LearningRateScaleTag = "nanguard/lr_scale";

    /// <summary>The loss scale after the step's update, when a <see cref="LossScaler"/> is in use.</summary>
    public const string LossScaleTag = "nanguard/loss_scale";

    /// <summary>The loss above which the step would have been a spike, when spike detection is on and warmed up.</summary>
    public const string SpikeThresholdTag = "nanguard/spike_threshold";

    /// <summary>The gradient norm above which the step would have been a spike (<see cref="SpikeRule.RollingSigma"/>, after warm-up).</summary>
    public const string GradientNormSpikeThresholdTag = "nanguard/grad_norm_spike_threshold";

    /// <summary>Running count of steps not taken (<see cref="GuardStatistics.StepsSkipped"/>).</summary>
    public const string StepsSkippedTag = "nanguard/steps_skipped";

    /// <summary>Running count of rollbacks (<see cref="GuardStatistics.Rollbacks"/>).</summary>
    public const string RollbacksTag = "nanguard/rollbacks";

    /// <summary>Running count of learning-rate back-offs (<see cref="GuardStatistics.BackOffs"/>).</summary>
    public const string BackOffsTag = "nanguard/backoffs";

    /// <summary>Running count of loss-scale back-offs: steps skipped because the scaled gradients overflowed (<see cref="LossScaler.Overflows"/>).</summary>
    public const string LossScaleBackOffsTag = "nanguard/loss_scale_backoffs";

    /// <summary>The incident marker: 1 at a step with an incident, 0 at the other steps written.</summary>
    public const string IncidentTag = "nanguard/incident";

    /// <summary>The incident's diagnosis, as text. TorchSharp's <c>add_text</c> stores it under <c>nanguard/diagnosis/text_summary</c>.</summary>
    public const string DiagnosisTag = "nanguard/diagnosis";

    /// <summary>The prefix of the per-module gradient norms written on an incident whose gradients are not finite: <c>nanguard/module_grad_norm/&lt;module path&gt;</c>.</summary>
    public const string ModuleGradientNormTagPrefix = "nanguard/module_grad_norm/";

    /// <summary>The default of <see cref="MaxModules"/>.</summary>
    public const int DefaultMaxModules = 32;

    private readonly ISummarySink _sink;

    /// <summary>Creates a log that writes to a TorchSharp summary writer.</summary>
    /// <param name="writer">The writer, from <c>torch.utils.tensorboard.SummaryWriter(logDir)</c>.</param>
    /// <param name="interval">Write every this many steps (bad steps are always written); at least 1.</param>
    /// <param name="maxModules">At most this many per-module gradient norms on an incident, those nearest the boundary; at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or <paramref name="maxModules"/> is below 1.</exception>
    public TensorBoardLog(SummaryWriter writer, int interval = 1, int maxModules = DefaultMaxModules)
        : this(new SummaryWriterSink(Require.NotNull(writer, nameof(writer))), interval, maxModules)
    {
        Writer = writer;
    }

    internal TensorBoardLog(ISummarySink sink, int interval = 1, int maxModules = DefaultMaxModules)
    {
        _sink = Require.NotNull(sink, nameof(sink));
        Interval = Require.AtLeast(interval, 1, nameof(interval));
        MaxModules = Require.AtLeast(maxModules, 1, nameof(maxModules));
    }

    /// <summary>Raised once, when the first write fails and the log turns off; read <see cref="Error"/>.</summary>
    public event EventHandler? Failed;

    /// <summary>The writer (null only for the internal sinks the tests use).</summary>
    public SummaryWriter? Writer { get; }

    /// <summary>Every how many steps values are written (bad steps are always written).</summary>
    public int Interval { get; }

    /// <summary>The most per-module gradient norms written on one incident.</summary>
    public int MaxModules { get; }

    /// <summary>The exception of the first write that failed; <see langword="null"/> while the log works.</summary>
    public Exception? Error { get; private set; }

    /// <summary>The step whose write failed, when <see cref="Error"/> is set.</summary>
    public long? FailedAtStep { get; private set; }

    /// <summary>Whether the log still writes (no write has failed).</summary>
    public bool IsWriting => Error is null;

    /// <summary>Writes one step of a guard or a watch, if due: every <see cref="Interval"/>-th step, and every bad step.</summary>
    internal void WriteStep(GuardLogEntry entry)
    {
        if (Error is not null || !(entry.Diagnosis is not null || entry.Step % Interval == 0))
        {
            return;
        }

        var step = entry.Step;
        try
        {
            var at = ToInt(step);
            Scalar(LossTag, entry.Loss, at);
            Scalar(GradientNormTag, entry.GradientNorm, at);
            Scalar(ClipCoefficientTag, entry.ClipCoefficient, at);
            Scalar(LearningRateScaleTag, entry.Statistics.LearningRateScale, at);
            Scalar(LossScaleTag, entry.LossScale, at);
            Scalar(SpikeThresholdTag, entry.SpikeThreshold, at);
            Scalar(GradientNormSpikeThresholdTag, entry.NormSpikeThreshold, at);
            Counts(entry.Statistics, at);
            Scalar(LossScaleBackOffsTag, entry.LossScaleBackOffs, at);
            var incident = entry.Diagnosis is { Kind: not IncidentKind.LossScaleOverflow };
            _sink.Scalar(IncidentTag, incident ? 1f : 0f, at);
            if (incident)
            {
                _sink.Text(DiagnosisTag, entry.Diagnosis!.ToString(), at);
            }

            if (entry.Boundary is not null)
            {
                foreach (var module in entry.Boundary.Around(MaxModules))
                {
                    _sink.Scalar(ModuleGradientNormTagPrefix + module.ModulePath, (float)module.Norm, at);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(step, ex);
        }
    }

    /// <summary>Writes what happened outside a step (a rollback requested by the caller): the counts and the diagnosis.</summary>
    internal void WriteEvent(GuardDiagnosis diagnosis, GuardStatistics statistics)
    {
        if (Error is not null)
        {
            return;
        }

        try
        {
            var at = ToInt(diagnosis.StepIndex);
            Counts(statistics, at);
            _sink.Text(DiagnosisTag, diagnosis.ToString(), at);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(diagnosis.StepIndex, ex);
        }
    }

    /// <summary>Writes a scaler's scale and back-off count at a step, if due (every <see cref="Interval"/>-th step, and every back-off).</summary>
    internal void WriteLossScale(long step, double scale, long backOffs, bool backedOff)
    {
        if (Error is not null || !(backedOff || step % Interval == 0))
        {
            return;
        }

        try
        {
            var at = ToInt(step);
            _sink.Scalar(LossScaleTag, (float)scale, at);
            _sink.Scalar(LossScaleBackOffsTag, backOffs, at);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(step, ex);
        }
    }

    private void Counts(GuardStatistics statistics, int at)
    {
        _sink.Scalar(StepsSkippedTag, statistics.StepsSkipped, at);
        _sink.Scalar(RollbacksTag, statistics.Rollbacks, at);
        _sink.Scalar(BackOffsTag, statistics.BackOffs, at);
    }

    private void Scalar(string tag, double? value, int at)
    {
        if (value.HasValue)
        {
            _sink.Scalar(tag, (float)value.Value, at);
        }
    }

    private static int ToInt(long step) =>
        step <= int.MaxValue
            ? (int)step
            : throw new OverflowException($"Step {step.ToString(CultureInfo.InvariantCulture)} is beyond the int range of SummaryWriter's global_step.");

    private void Fail(long step, Exception ex)
    {
        Error = ex;
        FailedAtStep = step;
        var handler = Failed;
        if (handler is null)
        {
            Console.Error.WriteLine(
                $"NanGuard: TensorBoard logging stopped at step {step.ToString(CultureInfo.InvariantCulture)} ({ex.GetType().Name}: {ex.Message}); training goes on.");
        }
        else
        {
            handler(this, EventArgs.Empty);
        }
    }
}

/// <summary>What a guard or a watch knows about one step, on the host, for <see cref="TensorBoardLog"/>.</summary>
internal sealed class GuardLogEntry
{
    internal GuardLogEntry(long step, double loss, GuardStatistics statistics)
    {
        Step = step;
        Loss = loss;
        Statistics = statistics;
    }

    internal long Step { get; }

    internal double Loss { get; }

    internal GuardStatistics Statistics { get; }

    internal double? GradientNorm { get; set; }

    internal double? ClipCoefficient { get; set; }

    internal double? LossScale { get; set; }

    internal long? LossScaleBackOffs { get; set; }

    internal double? SpikeThreshold { get; set; }

    internal double? NormSpikeThreshold { get; set; }

    /// <summary>The bad step's diagnosis (an incident, or a loss-scale overflow); null for a clean step.</summary>
    internal GuardDiagnosis? Diagnosis { get; set; }

    internal GradientBoundary? Boundary { get; set; }
}

/// <summary>Where <see cref="TensorBoardLog"/> writes: TorchSharp's summary writer, or a test's recorder.</summary>
internal interface ISummarySink
{
    void Scalar(string tag, float value, int step);

    void Text(string tag, string text, int step);
}

/// <summary>TorchSharp's <c>SummaryWriter</c> as a sink.</summary>
internal sealed class SummaryWriterSink : ISummarySink
{
    private readonly SummaryWriter _writer;

    internal SummaryWriterSink(SummaryWriter writer) => _writer = writer;

    public void Scalar(string tag, float value, int step) => _writer.add_scalar(tag, value, step);

    public void Text(string tag, string text, int step) => _writer.add_text(tag, text, step);
}

using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// A guarded optimizer step with a policy, in place of <c>optimizer.step()</c>: after <c>loss.backward()</c>, call
/// <see cref="Step(Tensor)"/>. It computes and clips the global gradient norm, steps only when the loss and the norm
/// are finite (and the loss did not spike, when <see cref="GuardOptions.SpikeDetection"/> is set), and otherwise
/// zeroes the gradients and applies the <see cref="GuardPolicy"/>: skip, back off the learning rate, roll back to the
/// last known-good state, or stop. It counts what it did (<see cref="Statistics"/>), raises <see cref="Incident"/> on
/// every bad step, and throws <see cref="NonFiniteTrainingException"/> after
/// <see cref="GuardOptions.MaxConsecutiveBadSteps"/> bad steps in a row.
/// </summary>
/// <remarks>
/// The decisions are <see cref="GuardPolicyEngine"/>'s; this class turns tensors into numbers and carries decisions
/// out. Under <see cref="GuardPolicy.Rollback"/> it keeps one copy of the model's state dict on the model's device and
/// the optimizer's state in memory. Dispose it to release that copy.
/// </remarks>
public sealed class TrainingGuard : IDisposable
{
    private readonly nn.Module _model;
    private readonly optim.Optimizer _optimizer;
    private readonly GuardPolicyEngine _engine;
    private readonly DecisionApplier _applier;
    private readonly double _maxNorm;
    private readonly double _normType;

    /// <summary>Creates a guard for a model and the optimizer that trains it.</summary>
    /// <param name="model">The model whose parameters are clipped and, on rollback, restored.</param>
    /// <param name="optimizer">The optimizer to step; its learning rates are scaled under <see cref="GuardPolicy.BackOff"/>.</param>
    /// <param name="options">The policy and its parameters (copied); <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="optimizer"/> is null.</exception>
    public TrainingGuard(nn.Module model, optim.Optimizer optimizer, GuardOptions? options = null)
    {
        _model = Require.NotNull(model, nameof(model));
        _optimizer = Require.NotNull(optimizer, nameof(optimizer));
        _engine = new GuardPolicyEngine(options ?? new GuardOptions());
        _applier = new DecisionApplier(model, optimizer);
        _maxNorm = _engine.Options.MaxNorm;
        _normType = _engine.Options.NormType;
    }

    /// <summary>Raised on every bad step, after the guard has acted and before it throws (if it stops).</summary>
    public event EventHandler<IncidentEventArgs>? Incident;

    /// <summary>A copy of the options the guard runs with.</summary>
    public GuardOptions Options => _engine.Options;

    /// <summary>What the guard has done so far: steps taken, skipped, rolled back, last finite norm, and more.</summary>
    public GuardStatistics Statistics => _engine.Statistics;

    /// <summary>Whether a known-good state exists to roll back to.</summary>
    public bool HasSnapshot => _engine.HasSnapshot;

    /// <summary>
    /// A forward-side detector whose finding joins the gradient side's in one incident: on a bad step the guard puts
    /// its <see cref="NanDetector.FirstOffender"/> into the diagnosis and <see cref="IncidentEventArgs.ForwardOffender"/>.
    /// The guard resets it after every step, so each step's forward pass is judged on its own. The guard does not own it:
    /// dispose it yourself.
    /// </summary>
    public NanDetector? Detector { get; set; }

    /// <summary>
    /// Where the guard writes its health for TensorBoard, every step or every <see cref="TensorBoardLog.Interval"/>
    /// steps and at every incident (see <see cref="TensorBoardLog"/> for the tags); <see langword="null"/> (the
    /// default) writes nothing. Under <see cref="Step(Tensor, LossScaler)"/> the loss scale goes to the scaler's own
    /// <see cref="LossScaler.Log"/> when it has one, else here, at the guard's step. No host synchronisation: only
    /// values the guard already read are written.
    /// </summary>
    public TensorBoardLog? Log { get; set; }

    /// <summary>The parameters the last step skipped because their gradient was null (not reached by the backward pass, or cleared by <c>zero_grad()</c>).</summary>
    public IReadOnlyList<string> ParametersWithoutGradient { get; private set; } = Array.Empty<string>();

    /// <summary>
    /// After <c>loss.backward()</c>: measure the gradient norm, judge, and clip and step or apply the policy. One host
    /// synchronisation reads the loss and the norm together (the same as <c>clip_grad_norm_</c> alone); a bad step
    /// pays a few more to name its first non-finite gradient.
    /// </summary>
    /// <param name="loss">The loss just back-propagated: a single-element tensor.</param>
    /// <returns>The decision: <see cref="StepDecision.Steps"/> says whether the optimizer stepped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="loss"/> has more than one element.</exception>
    /// <exception cref="NonFiniteTrainingException">The guard stopped: <see cref="GuardPolicy.Throw"/>, or too many bad steps in a row.</exception>
    public StepDecision Step(Tensor loss)
    {
        RequireLoss(loss);
        return Run(loss, double.NaN, null);
    }

    /// <summary>As <see cref="Step(Tensor)"/>, with the loss already read as a number.</summary>
    /// <param name="loss">The loss value; NaN and infinities are what the guard is for.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="NonFiniteTrainingException">The guard stopped.</exception>
    public StepDecision Step(double loss) => Run(null, loss, null);

    /// <summary>
    /// After <c>scaler.scale(loss).backward()</c>: unscale the gradients (unless <see cref="LossScaler.unscale_"/>
    /// did), measure their norm, update the scale, and clip and step or skip. A step whose gradients overflowed while
    /// the scale could still back off is the scaler's: skipped, counted in <see cref="GuardStatistics.LossScaleOverflows"/>,
    /// no incident. Any other bad step (a non-finite loss, a spike, a non-finite gradient at the scaler's minimum scale)
    /// is judged by the policy. Still one host synchronisation a step.
    /// </summary>
    /// <param name="loss">The unscaled loss: a single-element tensor.</param>
    /// <param name="scaler">The scaler whose <see cref="LossScaler.scale(Tensor)"/> was back-propagated.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> or <paramref name="scaler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="loss"/> has more than one element.</exception>
    /// <exception cref="NonFiniteTrainingException">The guard stopped.</exception>
    public StepDecision Step(Tensor loss, LossScaler scaler)
    {
        RequireLoss(loss);
        Require.NotNull(scaler, nameof(scaler));
        return Run(loss, double.NaN, scaler);
    }

    /// <summary>A loss is a single-element tensor; shared with <see cref="DivergenceWatch"/>.</summary>
    internal static void RequireLoss(Tensor loss)
    {
        Require.NotNull(loss, nameof(loss));
        if (loss.numel() != 1)
        {
            throw new ArgumentException("The loss must be a single-element tensor.", nameof(loss));
        }
    }

    private StepDecision Run(Tensor? lossTensor, double lossValue, LossScaler? scaler)
    {
        var offender = Detector?.FirstOffender;
        Detector?.Reset();
        StepDecision decision;
        NonFiniteGradient? gradient = null;
        GradientBoundary? boundary = null;
        double loss, norm;
        double? clip = null;
        using (torch.NewDisposeScope())
        {
            var gradients = new GradientSet(_model.named_parameters());
            ParametersWithoutGradient = gradients.Without;
            scaler?.UnscaleOnce(gradients);
            var (measured, read) = gradients.ReadNormAndLoss(lossTensor, _normType);
            norm = measured;
            loss = lossTensor is null ? lossValue : read;
            decision = scaler is null
                ? _engine.Decide(loss, norm)
                : _engine.Decide(loss, norm, scaler.UpdateForGuard(Numbers.IsFinite(norm)).BackedOff);
            if (decision.Steps)
            {
                clip = gradients.Clip(norm, _maxNorm);
            }
            else if (!Numbers.IsFinite(norm) && decision.Diagnosis!.Kind != IncidentKind.LossScaleOverflow)
            {
                gradient = gradients.FirstNonFinite(_normType, knownBad: true, out _, out boundary);
            }
        }

        var facts = new StepFacts(loss, norm, clip, scaler, boundary);
        if (!decision.Steps)
        {
            return ApplyBad(decision, null, offender, gradient, facts);
        }

        try
        {
            _optimizer.step()?.Dispose();
        }
        catch (Exception ex)
        {
            // Weights may be half updated: roll back when the policy can, then let the caller see the exception.
            ApplyBad(_engine.Fail(decision, ex.GetType().Name + ": " + ex.Message), ex, offender, null, facts);
            throw;
        }

        var captured = decision.TakeSnapshot && _applier.TryCaptureSnapshot();
        _engine.Complete(decision, captured);
        if (decision.ChangesLearningRate)
        {
            _applier.ScaleLearningRate(decision.LearningRateScale / decision.PreviousLearningRateScale);
        }

        Write(decision, facts, null);
        return decision;
    }

    /// <summary>Restores the last known-good state now (for example after a validation loss went NaN).</summary>
    /// <returns>
    /// <see langword="true"/> when it rolled back; <see langword="false"/> when no known-good state exists yet
    /// (snapshots are kept only under <see cref="GuardPolicy.Rollback"/>, after the first clean step): nothing changes.
    /// </returns>
    public bool Rollback()
    {
        var decision = _engine.RequestRollback();
        if (decision.Action != StepAction.Rollback)
        {
            return false;
        }

        _applier.ZeroGradients();
        _applier.Restore();
        Log?.WriteEvent(decision.Diagnosis!, _engine.Statistics);
        return true;
    }

    /// <summary>Releases the known-good state.</summary>
    public void Dispose() => _applier.Dispose();

    private StepDecision ApplyBad(StepDecision decision, Exception? cause, NanOffender? offender, NonFiniteGradient? gradient, StepFacts facts)
    {
        var diagnosis = decision.Diagnosis!;
        _applier.ZeroGradients();
        if (diagnosis.Kind == IncidentKind.LossScaleOverflow)
        {
            Write(decision, facts, diagnosis);
            return decision;
        }

        if (offender is not null)
        {
            diagnosis = diagnosis.WithDetail("Forward: " + offender + ".");
        }

        if (gradient is not null)
        {
            diagnosis = diagnosis.WithDetail("Backward: " + gradient + ".");
        }

        if (facts.Boundary is { } boundary)
        {
            diagnosis = diagnosis.WithDetail(boundary.ToString());
        }

        if (ParametersWithoutGradient.Count > 0)
        {
            diagnosis = diagnosis.WithDetail($"{ParametersWithoutGradient.Count} parameter(s) without a gradient skipped: {string.Join(", ", ParametersWithoutGradient)}.");
        }

        switch (decision.Action)
        {
            case StepAction.BackOff:
                _applier.ScaleLearningRate(decision.LearningRateScale / decision.PreviousLearningRateScale);
                break;
            case StepAction.Rollback:
                var note = _applier.Restore();
                if (note is not null)
                {
                    diagnosis = diagnosis.WithDetail(note);
                }

                break;
        }

        Incident?.Invoke(this, new IncidentEventArgs(diagnosis, _engine.Statistics, offender, gradient, facts.Boundary));
        Write(decision, facts, diagnosis);
        if (decision.Action == StepAction.Stop)
        {
            throw new NonFiniteTrainingException(diagnosis, cause);
        }

        return decision;
    }

    /// <summary>
    /// Writes a step to the logs, after the policy acted (so the counts are current): the guard's values to
    /// <see cref="Log"/>, the loss scale to the scaler's own log when it has one. Host values only.
    /// </summary>
    private void Write(StepDecision decision, StepFacts facts, GuardDiagnosis? diagnosis)
    {
        var scaler = facts.Scaler;
        var scalerLog = scaler?.Log;
        if (scaler is not null && scalerLog is not null)
        {
            scalerLog.WriteLossScale(decision.StepIndex, scaler.Scale, scaler.Overflows, diagnosis is not null);
        }

        Log?.WriteStep(new GuardLogEntry(decision.StepIndex, facts.Loss, _engine.Statistics)
        {
            GradientNorm = facts.Norm,
            ClipCoefficient = facts.Clip,
            SpikeThreshold = decision.SpikeThreshold,
            NormSpikeThreshold = decision.NormSpikeThreshold,
            LossScale = scalerLog is null ? scaler?.Scale : null,
            LossScaleBackOffs = scalerLog is null ? scaler?.Overflows : null,
            Boundary = facts.Boundary,
            Diagnosis = diagnosis,
        });
    }

    /// <summary>What one step measured, on the host.</summary>
    private readonly struct StepFacts
    {
        internal StepFacts(double loss, double norm, double? clip, LossScaler? scaler, GradientBoundary? boundary)
        {
            Loss = loss;
            Norm = norm;
            Clip = clip;
            Scaler = scaler;
            Boundary = boundary;
        }

        internal double Loss { get; }

        internal double Norm { get; }

        internal double? Clip { get; }

        internal LossScaler? Scaler { get; }

        internal GradientBoundary? Boundary { get; }
    }
}

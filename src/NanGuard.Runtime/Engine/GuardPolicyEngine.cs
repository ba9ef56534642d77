using System;

namespace NanGuard.Runtime;

/// <summary>
/// The decisions of the guard, in plain numbers: given a step's loss and global gradient norm, whether to step, skip,
/// back off, roll back or stop, when to keep a known-good state, and what to report. <see cref="TrainingGuard"/> and
/// <see cref="DivergenceWatch"/> only translate tensors to these numbers and carry out the decisions; you can drive
/// the engine yourself from any training loop.
/// </summary>
/// <remarks>
/// <para>Invariants, whatever the inputs: a decision is <see cref="StepAction.Step"/> only when the loss and the
/// gradient norm are finite; the known-good state is only ever replaced after a step that was decided
/// <see cref="StepAction.Step"/> and then reported carried out (<see cref="Complete"/>), never discarded; and the
/// <see cref="GuardOptions.MaxConsecutiveBadSteps"/>-th bad step in a row is always <see cref="StepAction.Stop"/>.</para>
/// <para>Protocol: after a <see cref="StepAction.Step"/> decision, call <see cref="Complete"/> once the optimizer
/// stepped (and the snapshot, if asked for, was taken), or <see cref="Fail"/> if it threw. Other decisions take
/// effect at once.</para>
/// </remarks>
public sealed class GuardPolicyEngine
{
    private readonly GuardOptions _options;
    private readonly SpikeDetector? _spikes;
    private readonly LearningRateBackOff _backOff;
    private readonly GuardStatistics _stats = new();
    private StepDecision? _pending;
    private long _stepIndex;
    private long _stepsSinceSnapshot;
    private SpikeDetector.State _spikeStateAtSnapshot;
    private double _lastObservedLoss = double.NaN;
    private double? _lastObservedNorm;
    private double? _judgedThreshold;
    private double? _judgedNormThreshold;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">The policy and its parameters; copied, so later changes do not reach this engine.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public GuardPolicyEngine(GuardOptions options)
    {
        _options = Require.NotNull(options, nameof(options)).Clone();
        _spikes = _options.SpikeDetection is null ? null : new SpikeDetector(_options.SpikeDetection);
        _backOff = new LearningRateBackOff(_options);
    }

    /// <summary>A copy of the options this engine runs with.</summary>
    public GuardOptions Options => _options.Clone();

    /// <summary>What the engine has decided so far (a copy).</summary>
    public GuardStatistics Statistics => new(_stats);

    /// <summary>Whether a known-good state exists to roll back to.</summary>
    public bool HasSnapshot => _stats.LastSnapshotStep.HasValue;

    /// <summary>The step the known-good state was taken after, if any.</summary>
    public long? SnapshotStep => _stats.LastSnapshotStep;

    /// <summary>The current learning-rate scale (1 unless backed off).</summary>
    public double LearningRateScale => _backOff.Scale;

    /// <summary>Whether a <see cref="StepAction.Step"/> decision waits for <see cref="Complete"/> or <see cref="Fail"/>.</summary>
    public bool IsAwaitingCompletion => _pending is not null;

    /// <summary>Judges a step from its loss and its global gradient norm (before clipping).</summary>
    /// <param name="loss">The loss of the step; NaN and infinities are expected inputs.</param>
    /// <param name="gradientNorm">The global gradient norm; NaN and infinities are expected inputs.</param>
    /// <returns>The decision. A <see cref="StepAction.Step"/> must be followed by <see cref="Complete"/> or <see cref="Fail"/>.</returns>
    /// <exception cref="InvalidOperationException">The previous <see cref="StepAction.Step"/> was neither completed nor failed.</exception>
    public StepDecision Decide(double loss, double gradientNorm) => Judge(loss, gradientNorm);

    /// <summary>Judges a step from its loss alone (the gradient norm is not measured), as <see cref="DivergenceWatch"/> does before <c>backward()</c>.</summary>
    /// <param name="loss">The loss of the step; NaN and infinities are expected inputs.</param>
    /// <returns>The decision. A <see cref="StepAction.Step"/> must be followed by <see cref="Complete"/> or <see cref="Fail"/>.</returns>
    /// <exception cref="InvalidOperationException">The previous <see cref="StepAction.Step"/> was neither completed nor failed.</exception>
    public StepDecision Decide(double loss) => Judge(loss, null);

    /// <summary>
    /// Judges a step trained with a loss scaler (<see cref="LossScaler"/>): when the loss is finite, the gradients are
    /// not, and the scaler backed its scale off, the step is a loss-scale overflow, which the scale explains. It is
    /// skipped without an incident: no learning-rate back-off, no rollback, and it does not count towards
    /// <see cref="GuardOptions.MaxConsecutiveBadSteps"/> (the scale halves until it reaches its floor, after which a
    /// non-finite gradient is judged as any other). Every other step is judged as <see cref="Decide(double, double)"/> does.
    /// </summary>
    /// <param name="loss">The step's unscaled loss.</param>
    /// <param name="gradientNorm">The global norm of the unscaled gradients.</param>
    /// <param name="lossScaleBackedOff">Whether the scaler lowered its scale for this step (<see cref="LossScaleUpdate.BackedOff"/>).</param>
    /// <returns>The decision; <see cref="StepAction.Skip"/> with <see cref="IncidentKind.LossScaleOverflow"/> for an overflow.</returns>
    /// <exception cref="InvalidOperationException">The previous <see cref="StepAction.Step"/> was neither completed nor failed.</exception>
    public StepDecision Decide(double loss, double gradientNorm, bool lossScaleBackedOff)
    {
        if (!IsLossScaleOverflow(loss, gradientNorm, lossScaleBackedOff))
        {
            return Judge(loss, gradientNorm);
        }

        EnsureNotPending();
        _stepIndex++;
        _stats.StepsObserved++;
        _stats.StepsSkipped++;
        _stats.LossScaleOverflows++;
        return new StepDecision(_stepIndex, StepAction.Skip, false, _backOff.Scale, _backOff.Scale,
            Diagnose(IncidentKind.LossScaleOverflow, StepAction.Skip, loss, gradientNorm, false, null));
    }

    internal static bool IsLossScaleOverflow(double loss, double gradientNorm, bool lossScaleBackedOff) =>
        lossScaleBackedOff && Numbers.IsFinite(loss) && !Numbers.IsFinite(gradientNorm);

    /// <summary>Reports that a <see cref="StepAction.Step"/> decision was carried out.</summary>
    /// <param name="decision">The pending decision.</param>
    /// <param name="snapshotTaken">
    /// Whether the known-good state was captured, as <see cref="StepDecision.TakeSnapshot"/> asked. Pass
    /// <see langword="false"/> when capturing failed or found non-finite weights: the previous state is kept and the
    /// next clean step asks again.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="decision"/> is not the pending decision.</exception>
    public void Complete(StepDecision decision, bool snapshotTaken)
    {
        TakePending(decision);
        _stats.StepsTaken++;
        _stats.ConsecutiveBadSteps = 0;
        _stats.LastFiniteLoss = _lastObservedLoss;
        if (_lastObservedNorm.HasValue)
        {
            _stats.LastFiniteNorm = _lastObservedNorm;
        }

        _spikes?.Accept(_lastObservedLoss, _lastObservedNorm);
        if (_backOff.OnCleanStep())
        {
            _stats.Recoveries++;
        }

        _stats.LearningRateScale = _backOff.Scale;
        _stepsSinceSnapshot++;
        if (decision.TakeSnapshot && snapshotTaken)
        {
            _stats.LastSnapshotStep = decision.StepIndex;
            _stats.SnapshotsTaken++;
            _stepsSinceSnapshot = 0;
            _spikeStateAtSnapshot = _spikes?.Save() ?? default;
        }
    }

    /// <summary>Reports that carrying out a <see cref="StepAction.Step"/> decision threw. The step counts as bad.</summary>
    /// <param name="decision">The pending decision.</param>
    /// <param name="detail">What went wrong (for example the exception's message), kept in the diagnosis.</param>
    /// <returns>
    /// What to do now: <see cref="StepAction.Rollback"/> under <see cref="GuardPolicy.Rollback"/> when a known-good
    /// state exists (the weights may be half updated), <see cref="StepAction.Stop"/> at the consecutive limit or under
    /// <see cref="GuardPolicy.Throw"/>, else <see cref="StepAction.Skip"/>. The caller rethrows the exception after.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="decision"/> is not the pending decision.</exception>
    public StepDecision Fail(StepDecision decision, string? detail)
    {
        TakePending(decision);
        _stats.FailedSteps++;
        return Bad(IncidentKind.StepFailed, _lastObservedLoss, _lastObservedNorm, detail, allowBackOff: false);
    }

    /// <summary>Asks for a rollback outside any step (for example after a validation loss went NaN).</summary>
    /// <returns>
    /// <see cref="StepAction.Rollback"/> when a known-good state exists; otherwise <see cref="StepAction.Skip"/> with
    /// <see cref="GuardDiagnosis.RollbackUnavailable"/> set, and nothing changes. Snapshots are kept only under
    /// <see cref="GuardPolicy.Rollback"/>.
    /// </returns>
    /// <exception cref="InvalidOperationException">A <see cref="StepAction.Step"/> decision is pending.</exception>
    public StepDecision RequestRollback()
    {
        EnsureNotPending();
        var available = HasSnapshot;
        if (available)
        {
            RollBack();
        }

        var action = available ? StepAction.Rollback : StepAction.Skip;
        return new StepDecision(_stepIndex, action, false, _backOff.Scale, _backOff.Scale,
            Diagnose(IncidentKind.RollbackRequested, action, null, null, !available, null));
    }

    private StepDecision Judge(double loss, double? gradientNorm)
    {
        EnsureNotPending();
        _stepIndex++;
        _stats.StepsObserved++;
        _lastObservedLoss = loss;
        _lastObservedNorm = gradientNorm;
        _judgedThreshold = _spikes?.Threshold;
        _judgedNormThreshold = gradientNorm.HasValue ? _spikes?.NormThreshold : null;

        var kind = Classify(loss, gradientNorm);
        if (kind != IncidentKind.None)
        {
            return Bad(kind, loss, gradientNorm, null, allowBackOff: true);
        }

        var takeSnapshot = _options.Policy == GuardPolicy.Rollback
            && (!HasSnapshot || _stepsSinceSnapshot + 1 >= _options.SnapshotInterval);
        _pending = new StepDecision(_stepIndex, StepAction.Step, takeSnapshot, _backOff.Scale, _backOff.PeekCleanStep(), null,
            _judgedThreshold, _judgedNormThreshold);
        return _pending;
    }

    private IncidentKind Classify(double loss, double? gradientNorm)
    {
        if (!Numbers.IsFinite(loss))
        {
            return IncidentKind.NonFiniteLoss;
        }

        if (gradientNorm.HasValue && !Numbers.IsFinite(gradientNorm.Value))
        {
            return IncidentKind.NonFiniteGradientNorm;
        }

        if (_spikes is null)
        {
            return IncidentKind.None;
        }

        if (_spikes.IsSpike(loss))
        {
            return IncidentKind.LossSpike;
        }

        return gradientNorm.HasValue && _spikes.IsNormSpike(gradientNorm.Value) ? IncidentKind.GradientNormSpike : IncidentKind.None;
    }

    private StepDecision Bad(IncidentKind kind, double? loss, double? gradientNorm, string? detail, bool allowBackOff)
    {
        if (kind == IncidentKind.LossSpike && _spikes is not null)
        {
            // Read before a rollback restores the average.
            var average = _options.SpikeDetection!.Rule == SpikeRule.RollingSigma ? "Rolling mean" : "Moving average";
            detail = Join($"{average} {Numbers.Format(_spikes.Average)}, spike threshold {Numbers.Format(_spikes.Threshold)}.", detail);
        }
        else if (kind == IncidentKind.GradientNormSpike && _spikes is not null)
        {
            detail = Join($"Gradient norm spike threshold {Numbers.Format(_spikes.NormThreshold)}.", detail);
        }

        _stats.ConsecutiveBadSteps++;
        _stats.StepsSkipped++;
        Count(kind);
        _backOff.OnBadStep();
        var previousScale = _backOff.Scale;
        var action = ChooseAction(allowBackOff, out var rollbackUnavailable);
        switch (action)
        {
            case StepAction.BackOff:
                _backOff.BackOff();
                _stats.BackOffs++;
                _stats.LearningRateScale = _backOff.Scale;
                break;
            case StepAction.Rollback:
                RollBack();
                break;
            case StepAction.Stop:
                _stats.Stops++;
                break;
        }

        return new StepDecision(_stepIndex, action, false, previousScale, _backOff.Scale,
            Diagnose(kind, action, loss, gradientNorm, rollbackUnavailable, detail), _judgedThreshold, _judgedNormThreshold);
    }

    private StepAction ChooseAction(bool allowBackOff, out bool rollbackUnavailable)
    {
        rollbackUnavailable = false;
        if (_stats.ConsecutiveBadSteps >= _options.MaxConsecutiveBadSteps)
        {
            return StepAction.Stop;
        }

        switch (_options.Policy)
        {
            case GuardPolicy.Throw:
                return StepAction.Stop;
            case GuardPolicy.BackOff:
                return allowBackOff ? StepAction.BackOff : StepAction.Skip;
            case GuardPolicy.Rollback when HasSnapshot:
                return StepAction.Rollback;
            case GuardPolicy.Rollback:
                rollbackUnavailable = true;
                return StepAction.Skip;
            default:
                return StepAction.Skip;
        }
    }

    private void RollBack()
    {
        _stats.Rollbacks++;
        _stepsSinceSnapshot = 0;

        // The restored weights are judged against the loss average they had, not the one reached after them.
        _spikes?.Restore(_spikeStateAtSnapshot);
    }

    private void Count(IncidentKind kind)
    {
        switch (kind)
        {
            case IncidentKind.NonFiniteLoss:
                _stats.NonFiniteLosses++;
                break;
            case IncidentKind.NonFiniteGradientNorm:
                _stats.NonFiniteGradientNorms++;
                break;
            case IncidentKind.LossSpike:
                _stats.LossSpikes++;
                break;
            case IncidentKind.GradientNormSpike:
                _stats.GradientNormSpikes++;
                break;
        }
    }

    private GuardDiagnosis Diagnose(IncidentKind kind, StepAction action, double? loss, double? gradientNorm, bool rollbackUnavailable, string? detail) =>
        new(_stepIndex, kind, action, loss, gradientNorm, _stats.LastFiniteNorm, _stats.ConsecutiveBadSteps,
            _options.MaxConsecutiveBadSteps, _backOff.Scale, _stats.LastSnapshotStep, rollbackUnavailable, detail);

    private static string? Join(string first, string? second) => second is null ? first : first + " " + second;

    private void TakePending(StepDecision decision)
    {
        Require.NotNull(decision, nameof(decision));
        if (!ReferenceEquals(decision, _pending))
        {
            throw new InvalidOperationException("This decision is not the pending Step decision of this engine.");
        }

        _pending = null;
    }

    private void EnsureNotPending()
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException(
                $"Step {_pending.StepIndex} was decided Step but neither completed nor failed: call Complete or Fail first.");
        }
    }
}

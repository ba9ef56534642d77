using System;
using System.Linq;
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
    /// After <c>loss.backward()</c>: clip, judge, and step or apply the policy.
    /// </summary>
    /// <param name="loss">The loss just back-propagated: a single-element tensor.</param>
    /// <returns>The decision: <see cref="StepDecision.Steps"/> says whether the optimizer stepped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="NonFiniteTrainingException">The guard stopped: <see cref="GuardPolicy.Throw"/>, or too many bad steps in a row.</exception>
    public StepDecision Step(Tensor loss)
    {
        Require.NotNull(loss, nameof(loss));
        if (loss.numel() != 1)
        {
            throw new ArgumentException("The loss must be a single-element tensor.", nameof(loss));
        }

        return Step((double)loss);
    }

    /// <summary>As <see cref="Step(Tensor)"/>, with the loss already read as a number.</summary>
    /// <param name="loss">The loss value; NaN and infinities are what the guard is for.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="NonFiniteTrainingException">The guard stopped.</exception>
    public StepDecision Step(double loss)
    {
        var parameters = _model.parameters().ToList();
        var norm = torch.nn.utils.clip_grad_norm_(parameters, _maxNorm, _normType);
        var decision = _engine.Decide(loss, norm);
        if (!decision.Steps)
        {
            return ApplyBad(decision, null);
        }

        try
        {
            _optimizer.step()?.Dispose();
        }
        catch (Exception ex)
        {
            // Weights may be half updated: roll back when the policy can, then let the caller see the exception.
            ApplyBad(_engine.Fail(decision, ex.GetType().Name + ": " + ex.Message), ex);
            throw;
        }

        var captured = decision.TakeSnapshot && _applier.TryCaptureSnapshot();
        _engine.Complete(decision, captured);
        if (decision.ChangesLearningRate)
        {
            _applier.ScaleLearningRate(decision.LearningRateScale / decision.PreviousLearningRateScale);
        }

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
        return true;
    }

    /// <summary>Releases the known-good state.</summary>
    public void Dispose() => _applier.Dispose();

    private StepDecision ApplyBad(StepDecision decision, Exception? cause)
    {
        var diagnosis = decision.Diagnosis!;
        _applier.ZeroGradients();
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

        Incident?.Invoke(this, new IncidentEventArgs(diagnosis, _engine.Statistics));
        if (decision.Action == StepAction.Stop)
        {
            throw new NonFiniteTrainingException(diagnosis, cause);
        }

        return decision;
    }
}

using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// Loss-spike detection before <c>backward()</c>, with the same policies as <see cref="TrainingGuard"/>: call
/// <see cref="Observe(Tensor)"/> with each batch's loss; when it returns <see langword="false"/>, skip
/// <c>backward()</c> and the step for that batch (the policy has been applied: learning rate backed off, or model
/// rolled back). A loss is a spike when it exceeds its moving average as <see cref="SpikeOptions"/> defines; a NaN or
/// infinite loss is always bad.
/// </summary>
/// <remarks>
/// Use it with your own optimizer step, or use <see cref="TrainingGuard"/> with <see cref="GuardOptions.SpikeDetection"/>
/// to judge loss spikes and gradient norms in one call after <c>backward()</c>.
/// </remarks>
public sealed class DivergenceWatch : IDisposable
{
    private readonly GuardPolicyEngine _engine;
    private readonly DecisionApplier _applier;

    /// <summary>Creates a watch.</summary>
    /// <param name="model">The model to roll back under <see cref="GuardPolicy.Rollback"/>.</param>
    /// <param name="optimizer">The optimizer whose learning rate backs off under <see cref="GuardPolicy.BackOff"/>, and whose state is rolled back.</param>
    /// <param name="options">The policy; its <see cref="GuardOptions.SpikeDetection"/> defaults to <c>new SpikeOptions()</c> when null. Copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="optimizer"/> or <paramref name="options"/> is null.</exception>
    public DivergenceWatch(nn.Module model, optim.Optimizer optimizer, GuardOptions options)
    {
        Require.NotNull(model, nameof(model));
        Require.NotNull(optimizer, nameof(optimizer));
        _engine = new GuardPolicyEngine(WithSpikes(Require.NotNull(options, nameof(options))));
        _applier = new DecisionApplier(model, optimizer);
    }

    /// <summary>Raised on every spike or non-finite loss, after the watch has acted and before it throws (if it stops).</summary>
    public event EventHandler<IncidentEventArgs>? Incident;

    /// <summary>
    /// Where the watch writes each judged loss, the learning-rate scale, the spike threshold, the counts and every
    /// incident (see <see cref="TensorBoardLog"/>), every <see cref="TensorBoardLog.Interval"/> steps and at every
    /// incident; <see langword="null"/> (the default) writes nothing. No host synchronisation beyond the loss it reads.
    /// </summary>
    public TensorBoardLog? Log { get; set; }

    /// <summary>What the watch has done so far.</summary>
    public GuardStatistics Statistics => _engine.Statistics;

    /// <summary>Judges a batch's loss.</summary>
    /// <param name="loss">The loss, a single-element tensor, before <c>backward()</c>.</param>
    /// <returns><see langword="true"/> to go on with <c>backward()</c> and the step; <see langword="false"/> to skip this batch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="NonFiniteTrainingException">The watch stopped: <see cref="GuardPolicy.Throw"/>, or too many bad losses in a row.</exception>
    public bool Observe(Tensor loss)
    {
        TrainingGuard.RequireLoss(loss);
        return Observe(Host.Double(loss));
    }

    /// <summary>Judges a batch's loss, already read as a number.</summary>
    /// <param name="loss">The loss.</param>
    /// <returns><see langword="true"/> to go on with <c>backward()</c> and the step; <see langword="false"/> to skip this batch.</returns>
    /// <exception cref="NonFiniteTrainingException">The watch stopped.</exception>
    public bool Observe(double loss)
    {
        var decision = _engine.Decide(loss);
        if (decision.Steps)
        {
            // The state before this batch's step is the known-good one: the loss it gave was normal.
            var captured = decision.TakeSnapshot && _applier.TryCaptureSnapshot();
            _engine.Complete(decision, captured);
            if (decision.ChangesLearningRate)
            {
                _applier.ScaleLearningRate(decision.LearningRateScale / decision.PreviousLearningRateScale);
            }

            Write(decision, loss, null);
            return true;
        }

        var diagnosis = decision.Diagnosis!;
        _applier.ZeroGradients();
        if (decision.Action == StepAction.BackOff)
        {
            _applier.ScaleLearningRate(decision.LearningRateScale / decision.PreviousLearningRateScale);
        }
        else if (decision.Action == StepAction.Rollback && _applier.Restore() is string note)
        {
            diagnosis = diagnosis.WithDetail(note);
        }

        Incident?.Invoke(this, new IncidentEventArgs(diagnosis, _engine.Statistics));
        Write(decision, loss, diagnosis);
        if (decision.Action == StepAction.Stop)
        {
            throw new NonFiniteTrainingException(diagnosis);
        }

        return false;
    }

    /// <summary>Releases the known-good state.</summary>
    public void Dispose() => _applier.Dispose();

    private void Write(StepDecision decision, double loss, GuardDiagnosis? diagnosis) =>
        Log?.WriteStep(new GuardLogEntry(decision.StepIndex, loss, _engine.Statistics)
        {
            SpikeThreshold = decision.SpikeThreshold,
            Diagnosis = diagnosis,
        });

    internal static GuardOptions WithSpikes(GuardOptions options)
    {
        var copy = options.Clone();
        copy.SpikeDetection ??= new SpikeOptions();
        return copy;
    }
}

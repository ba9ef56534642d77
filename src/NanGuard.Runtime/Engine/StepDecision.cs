namespace NanGuard.Runtime;

/// <summary>What the decision engine decided for one step, and why.</summary>
public sealed class StepDecision
{
    internal StepDecision(
        long stepIndex,
        StepAction action,
        bool takeSnapshot,
        double previousLearningRateScale,
        double learningRateScale,
        GuardDiagnosis? diagnosis,
        double? spikeThreshold = null,
        double? normSpikeThreshold = null)
    {
        StepIndex = stepIndex;
        Action = action;
        TakeSnapshot = takeSnapshot;
        PreviousLearningRateScale = previousLearningRateScale;
        LearningRateScale = learningRateScale;
        Diagnosis = diagnosis;
        SpikeThreshold = spikeThreshold;
        NormSpikeThreshold = normSpikeThreshold;
    }

    /// <summary>The 1-based index of the step among all the steps the engine judged.</summary>
    public long StepIndex { get; }

    /// <summary>What to do.</summary>
    public StepAction Action { get; }

    /// <summary>With <see cref="StepAction.Step"/>: keep the state after this step as the new known-good state.</summary>
    public bool TakeSnapshot { get; }

    /// <summary>The learning-rate scale before this decision.</summary>
    public double PreviousLearningRateScale { get; }

    /// <summary>The learning-rate scale to apply once the action is done (differs after a back-off or a recovery).</summary>
    public double LearningRateScale { get; }

    /// <summary>Whether the learning rate must change by <c>LearningRateScale / PreviousLearningRateScale</c>.</summary>
    public bool ChangesLearningRate => LearningRateScale != PreviousLearningRateScale;

    /// <summary>The diagnosis of a bad step; <see langword="null"/> for a clean one.</summary>
    public GuardDiagnosis? Diagnosis { get; }

    /// <summary>The loss above which this step was a spike, as judged (<see langword="null"/> when spike detection is off or warming up).</summary>
    public double? SpikeThreshold { get; }

    /// <summary>The gradient norm above which this step was a spike, as judged (<see cref="SpikeRule.RollingSigma"/> only; <see langword="null"/> otherwise or while warming up).</summary>
    public double? NormSpikeThreshold { get; }

    /// <summary>Whether the optimizer may step: true only for <see cref="StepAction.Step"/>.</summary>
    public bool Steps => Action == StepAction.Step;

    /// <inheritdoc />
    public override string ToString() =>
        Diagnosis is null ? $"step {StepIndex}: {Action}" : Diagnosis.ToString();
}

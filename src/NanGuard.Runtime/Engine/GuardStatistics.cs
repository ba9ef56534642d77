namespace NanGuard.Runtime;

/// <summary>What a guard has done so far: an immutable copy, taken when you read it.</summary>
public sealed class GuardStatistics
{
    internal GuardStatistics(GuardStatistics? from = null)
    {
        if (from is null)
        {
            return;
        }

        StepsObserved = from.StepsObserved;
        StepsTaken = from.StepsTaken;
        StepsSkipped = from.StepsSkipped;
        Rollbacks = from.Rollbacks;
        BackOffs = from.BackOffs;
        Recoveries = from.Recoveries;
        Stops = from.Stops;
        NonFiniteLosses = from.NonFiniteLosses;
        NonFiniteGradientNorms = from.NonFiniteGradientNorms;
        LossSpikes = from.LossSpikes;
        GradientNormSpikes = from.GradientNormSpikes;
        LossScaleOverflows = from.LossScaleOverflows;
        FailedSteps = from.FailedSteps;
        SnapshotsTaken = from.SnapshotsTaken;
        ConsecutiveBadSteps = from.ConsecutiveBadSteps;
        LastFiniteNorm = from.LastFiniteNorm;
        LastFiniteLoss = from.LastFiniteLoss;
        LearningRateScale = from.LearningRateScale;
        LastSnapshotStep = from.LastSnapshotStep;
    }

    /// <summary>Steps judged (clean or bad; rollback requests excluded).</summary>
    public long StepsObserved { get; internal set; }

    /// <summary>Optimizer steps taken.</summary>
    public long StepsTaken { get; internal set; }

    /// <summary>Steps not taken (skipped, backed off, rolled back, stopped or failed).</summary>
    public long StepsSkipped { get; internal set; }

    /// <summary>Rollbacks to the known-good state.</summary>
    public long Rollbacks { get; internal set; }

    /// <summary>Learning-rate back-offs.</summary>
    public long BackOffs { get; internal set; }

    /// <summary>Learning-rate recoveries after a clean streak.</summary>
    public long Recoveries { get; internal set; }

    /// <summary>Times the guard stopped training.</summary>
    public long Stops { get; internal set; }

    /// <summary>Steps whose loss was NaN or infinite.</summary>
    public long NonFiniteLosses { get; internal set; }

    /// <summary>Steps whose loss was finite but whose gradient norm was not.</summary>
    public long NonFiniteGradientNorms { get; internal set; }

    /// <summary>Steps whose loss spiked.</summary>
    public long LossSpikes { get; internal set; }

    /// <summary>Steps whose gradient norm spiked (<see cref="SpikeRule.RollingSigma"/>).</summary>
    public long GradientNormSpikes { get; internal set; }

    /// <summary>Steps skipped as loss-scale overflows (a <see cref="LossScaler"/> backed off; not incidents).</summary>
    public long LossScaleOverflows { get; internal set; }

    /// <summary>Steps whose optimizer step threw.</summary>
    public long FailedSteps { get; internal set; }

    /// <summary>Known-good states kept.</summary>
    public long SnapshotsTaken { get; internal set; }

    /// <summary>Bad steps in a row right now.</summary>
    public int ConsecutiveBadSteps { get; internal set; }

    /// <summary>The gradient norm of the last step taken, if any was measured.</summary>
    public double? LastFiniteNorm { get; internal set; }

    /// <summary>The loss of the last step taken, if any.</summary>
    public double? LastFiniteLoss { get; internal set; }

    /// <summary>The current learning-rate scale (1 unless backed off).</summary>
    public double LearningRateScale { get; internal set; } = 1.0;

    /// <summary>The step the known-good state was taken after, if any.</summary>
    public long? LastSnapshotStep { get; internal set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"observed {StepsObserved}, taken {StepsTaken}, skipped {StepsSkipped}, rolled back {Rollbacks}, backed off {BackOffs}, " +
        $"recovered {Recoveries}, stopped {Stops}; last finite norm {Numbers.Format(LastFiniteNorm)}, lr scale {Numbers.Format(LearningRateScale)}";
}

namespace NanGuard.Runtime;

/// <summary>What the guard does when a step is bad (non-finite loss, non-finite gradient norm, or a loss spike).</summary>
/// <remarks>
/// Whatever the policy, the gradients of a bad step are zeroed and never reach the optimizer, and the guard stops
/// (throws <see cref="NonFiniteTrainingException"/>) once <see cref="GuardOptions.MaxConsecutiveBadSteps"/> bad steps
/// follow one another.
/// </remarks>
public enum GuardPolicy
{
    /// <summary>Skip the step and go on with the next batch.</summary>
    Skip = 0,

    /// <summary>
    /// Skip the step and multiply the learning rate by <see cref="GuardOptions.BackOffFactor"/>; after
    /// <see cref="GuardOptions.RecoverySteps"/> clean steps in a row, multiply it back by
    /// <see cref="GuardOptions.RecoveryFactor"/>, never above the rate the optimizer had (as PyTorch's GradScaler
    /// backs off and grows its scale).
    /// </summary>
    BackOff = 1,

    /// <summary>
    /// Restore the model and optimizer to the last known-good state kept in memory (taken after a clean step, every
    /// <see cref="GuardOptions.SnapshotInterval"/> steps). Before any good state exists, the step is skipped.
    /// </summary>
    Rollback = 2,

    /// <summary>Stop at the first bad step with a <see cref="NonFiniteTrainingException"/> carrying the diagnosis.</summary>
    Throw = 3,
}

/// <summary>The action the decision engine chose for one step.</summary>
public enum StepAction
{
    /// <summary>The loss and the gradient norm are finite (and no spike): take the optimizer step.</summary>
    Step = 0,

    /// <summary>Zero the gradients and do not step.</summary>
    Skip = 1,

    /// <summary>Zero the gradients, do not step, and lower the learning rate to <see cref="StepDecision.LearningRateScale"/>.</summary>
    BackOff = 2,

    /// <summary>Zero the gradients, do not step, and restore the last known-good state.</summary>
    Rollback = 3,

    /// <summary>Zero the gradients, do not step, and stop training with a <see cref="NonFiniteTrainingException"/>.</summary>
    Stop = 4,
}

/// <summary>Why a step was judged bad.</summary>
public enum IncidentKind
{
    /// <summary>No incident: the step was clean.</summary>
    None = 0,

    /// <summary>The loss was NaN or infinite.</summary>
    NonFiniteLoss = 1,

    /// <summary>The loss was finite but the global gradient norm was NaN or infinite.</summary>
    NonFiniteGradientNorm = 2,

    /// <summary>The loss was finite but spiked above its moving average (see <see cref="SpikeOptions"/>).</summary>
    LossSpike = 3,

    /// <summary>The optimizer step (or the snapshot after it) threw an exception.</summary>
    StepFailed = 4,

    /// <summary>The user asked for a rollback (<see cref="GuardPolicyEngine.RequestRollback"/>).</summary>
    RollbackRequested = 5,

    /// <summary>The loss and the gradient norm were finite, but the norm spiked above its rolling window (<see cref="SpikeRule.RollingSigma"/>).</summary>
    GradientNormSpike = 6,

    /// <summary>The gradients of a loss-scaled step overflowed and the scaler backed off: skipped, not an incident.</summary>
    LossScaleOverflow = 7,
}

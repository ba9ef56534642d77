using System.Globalization;
using System.Text;

namespace NanGuard.Runtime;

/// <summary>Why a step was bad, what the guard did about it, and the state it was in.</summary>
public sealed class GuardDiagnosis
{
    internal GuardDiagnosis(
        long stepIndex,
        IncidentKind kind,
        StepAction action,
        double? loss,
        double? gradientNorm,
        double? lastFiniteNorm,
        int consecutiveBadSteps,
        int maxConsecutiveBadSteps,
        double learningRateScale,
        long? snapshotStep,
        bool rollbackUnavailable,
        string? detail)
    {
        StepIndex = stepIndex;
        Kind = kind;
        Action = action;
        Loss = loss;
        GradientNorm = gradientNorm;
        LastFiniteNorm = lastFiniteNorm;
        ConsecutiveBadSteps = consecutiveBadSteps;
        MaxConsecutiveBadSteps = maxConsecutiveBadSteps;
        LearningRateScale = learningRateScale;
        SnapshotStep = snapshotStep;
        RollbackUnavailable = rollbackUnavailable;
        Detail = detail;
    }

    /// <summary>The 1-based index of the step among all the steps the engine judged.</summary>
    public long StepIndex { get; }

    /// <summary>What went wrong.</summary>
    public IncidentKind Kind { get; }

    /// <summary>What the guard did.</summary>
    public StepAction Action { get; }

    /// <summary>The loss of the step, when known.</summary>
    public double? Loss { get; }

    /// <summary>The global gradient norm of the step (before clipping), when measured.</summary>
    public double? GradientNorm { get; }

    /// <summary>The gradient norm of the last step that was taken, if any.</summary>
    public double? LastFiniteNorm { get; }

    /// <summary>Bad steps in a row, this one included.</summary>
    public int ConsecutiveBadSteps { get; }

    /// <summary>The configured limit of bad steps in a row.</summary>
    public int MaxConsecutiveBadSteps { get; }

    /// <summary>Whether this step hit <see cref="MaxConsecutiveBadSteps"/>.</summary>
    public bool LimitReached => ConsecutiveBadSteps >= MaxConsecutiveBadSteps;

    /// <summary>The learning-rate scale after the action.</summary>
    public double LearningRateScale { get; }

    /// <summary>The step the known-good state was taken after (the state a rollback restores), if any.</summary>
    public long? SnapshotStep { get; }

    /// <summary>A rollback was wanted but no known-good state existed yet, so the step was skipped instead.</summary>
    public bool RollbackUnavailable { get; }

    /// <summary>More detail from the glue (for example the first module whose output went NaN, or an exception message).</summary>
    public string? Detail { get; }

    /// <summary>The same diagnosis with a detail added.</summary>
    /// <param name="detail">Text to append to <see cref="Detail"/>.</param>
    /// <returns>A new diagnosis.</returns>
    public GuardDiagnosis WithDetail(string detail) =>
        new(StepIndex, Kind, Action, Loss, GradientNorm, LastFiniteNorm, ConsecutiveBadSteps, MaxConsecutiveBadSteps,
            LearningRateScale, SnapshotStep, RollbackUnavailable, Detail is null ? detail : Detail + " " + detail);

    /// <summary>One readable paragraph: what, the numbers, and what was done.</summary>
    /// <returns>The diagnosis as text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("step ").Append(StepIndex.ToString(CultureInfo.InvariantCulture)).Append(": ").Append(Describe(Kind));
        text.Append(" (loss ").Append(Numbers.Format(Loss)).Append(", gradient norm ").Append(Numbers.Format(GradientNorm));
        text.Append(", last finite norm ").Append(Numbers.Format(LastFiniteNorm)).Append(')');
        text.Append("; ").Append(ConsecutiveBadSteps.ToString(CultureInfo.InvariantCulture)).Append(" bad step(s) in a row of ")
            .Append(MaxConsecutiveBadSteps.ToString(CultureInfo.InvariantCulture)).Append(" allowed");
        text.Append("; action: ").Append(Action);
        if (RollbackUnavailable)
        {
            text.Append(" (no known-good state yet, so the step was skipped instead of rolled back)");
        }

        if (Action == StepAction.Rollback && SnapshotStep.HasValue)
        {
            text.Append(" to the state after step ").Append(SnapshotStep.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (Action == StepAction.BackOff)
        {
            text.Append(", learning-rate scale now ").Append(Numbers.Format(LearningRateScale));
        }

        if (LimitReached)
        {
            text.Append("; the consecutive bad-step limit was reached");
        }

        if (Detail is not null)
        {
            text.Append(". ").Append(Detail);
        }

        return text.ToString();
    }

    private static string Describe(IncidentKind kind) => kind switch
    {
        IncidentKind.NonFiniteLoss => "the loss is not finite",
        IncidentKind.NonFiniteGradientNorm => "the gradient norm is not finite",
        IncidentKind.LossSpike => "the loss spiked above its moving average",
        IncidentKind.StepFailed => "the optimizer step threw",
        IncidentKind.RollbackRequested => "a rollback was requested",
        IncidentKind.GradientNormSpike => "the gradient norm spiked above its rolling window",
        IncidentKind.LossScaleOverflow => "the loss-scaled gradients overflowed and the scale backed off",
        _ => "no incident",
    };
}

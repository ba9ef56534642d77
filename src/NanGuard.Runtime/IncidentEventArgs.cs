using System;

namespace NanGuard.Runtime;

/// <summary>One bad step, as reported by <see cref="TrainingGuard.Incident"/> and <see cref="DivergenceWatch.Incident"/>.</summary>
public sealed class IncidentEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="diagnosis">What went wrong and what the guard did.</param>
    /// <param name="statistics">The guard's statistics after the incident.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public IncidentEventArgs(GuardDiagnosis diagnosis, GuardStatistics statistics)
    {
        Diagnosis = Require.NotNull(diagnosis, nameof(diagnosis));
        Statistics = Require.NotNull(statistics, nameof(statistics));
    }

    /// <summary>What went wrong and what the guard did.</summary>
    public GuardDiagnosis Diagnosis { get; }

    /// <summary>The guard's statistics after the incident.</summary>
    public GuardStatistics Statistics { get; }
}

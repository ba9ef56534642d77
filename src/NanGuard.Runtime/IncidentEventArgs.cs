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
        : this(diagnosis, statistics, null, null)
    {
    }

    /// <summary>Creates the event data of one incident seen from both sides of the step.</summary>
    /// <param name="diagnosis">What went wrong and what the guard did.</param>
    /// <param name="statistics">The guard's statistics after the incident.</param>
    /// <param name="forwardOffender">The first module whose output held NaN or Inf in this step's forward pass (<see cref="TrainingGuard.Detector"/>), if any.</param>
    /// <param name="gradient">The first parameter whose gradient held NaN or Inf after this step's backward pass, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="diagnosis"/> or <paramref name="statistics"/> is null.</exception>
    public IncidentEventArgs(GuardDiagnosis diagnosis, GuardStatistics statistics, NanOffender? forwardOffender, NonFiniteGradient? gradient)
        : this(diagnosis, statistics, forwardOffender, gradient, null)
    {
    }

    /// <summary>Creates the event data of one incident with where its NaN began in the backward pass.</summary>
    /// <param name="diagnosis">What went wrong and what the guard did.</param>
    /// <param name="statistics">The guard's statistics after the incident.</param>
    /// <param name="forwardOffender">The first module whose output held NaN or Inf in this step's forward pass, if any.</param>
    /// <param name="gradient">The first parameter whose gradient held NaN or Inf after this step's backward pass, if any.</param>
    /// <param name="boundary">Every module's gradients in model order and the boundary where they stop being finite, when the gradients were not finite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="diagnosis"/> or <paramref name="statistics"/> is null.</exception>
    public IncidentEventArgs(GuardDiagnosis diagnosis, GuardStatistics statistics, NanOffender? forwardOffender, NonFiniteGradient? gradient, GradientBoundary? boundary)
    {
        Boundary = boundary;
        Diagnosis = Require.NotNull(diagnosis, nameof(diagnosis));
        Statistics = Require.NotNull(statistics, nameof(statistics));
        ForwardOffender = forwardOffender;
        Gradient = gradient;
    }

    /// <summary>The forward side: the first module whose output held NaN or Inf in this step, when a detector watched it.</summary>
    public NanOffender? ForwardOffender { get; }

    /// <summary>The gradient side: the first parameter whose gradient held NaN or Inf, when the gradients were not finite.</summary>
    public NonFiniteGradient? Gradient { get; }

    /// <summary>Where the NaN began in the backward pass (every module's gradients in model order, and the boundary), when the gradients were not finite.</summary>
    public GradientBoundary? Boundary { get; }

    /// <summary>What went wrong and what the guard did.</summary>
    public GuardDiagnosis Diagnosis { get; }

    /// <summary>The guard's statistics after the incident.</summary>
    public GuardStatistics Statistics { get; }
}

using System;

namespace NanGuard.Runtime;

/// <summary>
/// Training stopped: a bad step under <see cref="GuardPolicy.Throw"/>, or <see cref="GuardOptions.MaxConsecutiveBadSteps"/>
/// bad steps in a row under any policy. Carries the diagnosis.
/// </summary>
[Serializable]
public sealed class NonFiniteTrainingException : Exception
{
    /// <summary>Creates the exception from a diagnosis.</summary>
    /// <param name="diagnosis">What went wrong.</param>
    /// <exception cref="ArgumentNullException"><paramref name="diagnosis"/> is null.</exception>
    public NonFiniteTrainingException(GuardDiagnosis diagnosis)
        : base(Require.NotNull(diagnosis, nameof(diagnosis)).ToString())
    {
        Diagnosis = diagnosis;
    }

    /// <summary>Creates the exception from a diagnosis and the exception that caused the stop.</summary>
    /// <param name="diagnosis">What went wrong.</param>
    /// <param name="innerException">The exception thrown during the step.</param>
    /// <exception cref="ArgumentNullException"><paramref name="diagnosis"/> is null.</exception>
    public NonFiniteTrainingException(GuardDiagnosis diagnosis, Exception? innerException)
        : base(Require.NotNull(diagnosis, nameof(diagnosis)).ToString(), innerException)
    {
        Diagnosis = diagnosis;
    }

    /// <summary>Why training stopped.</summary>
    public GuardDiagnosis Diagnosis { get; }
}

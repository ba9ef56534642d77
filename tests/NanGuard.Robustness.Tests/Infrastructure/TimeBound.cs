using System;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>
/// How long our analyzers may take on one input: a fixed allowance plus a cost per KB of source, scaled by
/// <see cref="RobustnessSettings.TimeScale"/>. Measured is the analyzer's own execution time (Roslyn's analyzer
/// telemetry), not the compiler's binding, so the bound stays meaningful on a shared machine.
/// </summary>
public sealed record TimeBound(double FixedMilliseconds, double MillisecondsPerKb)
{
    /// <summary>Ordinary inputs: test sources, samples, their mutations, odd constructs.</summary>
    public static TimeBound Ordinary { get; } = new(250, 5);

    /// <summary>Pathological inputs (deep nesting, huge methods and files): linear, with a larger allowance.</summary>
    public static TimeBound Pathological { get; } = new(3000, 10);

    public TimeSpan For(int characters) =>
        TimeSpan.FromMilliseconds((FixedMilliseconds + MillisecondsPerKb * characters / 1024.0) * RobustnessSettings.TimeScale);
}

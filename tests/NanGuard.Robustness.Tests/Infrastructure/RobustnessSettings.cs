using System;
using System.Globalization;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>
/// What a run of the suite does, from environment variables, so that CI runs a small bounded sample and a longer run
/// is one variable away. See README.md.
/// </summary>
public static class RobustnessSettings
{
    /// <summary><c>NANGUARD_ROBUSTNESS_SEED</c>: the generator's seed; the same seed generates the same inputs.</summary>
    public static int Seed { get; } = Integer("NANGUARD_ROBUSTNESS_SEED", 20261124);

    /// <summary><c>NANGUARD_ROBUSTNESS_CASES</c>: how many mutated inputs the generator makes (CI default 120).</summary>
    public static int Cases { get; } = Math.Max(0, Integer("NANGUARD_ROBUSTNESS_CASES", 120));

    /// <summary><c>NANGUARD_ROBUSTNESS_TIME_SCALE</c>: multiplies every time bound (a slow or busy machine).</summary>
    public static double TimeScale { get; } = Number("NANGUARD_ROBUSTNESS_TIME_SCALE", 1.0);

    /// <summary>A generator for one test, derived from the seed and the test's name so that tests do not share a stream.</summary>
    public static Random RandomFor(string test)
    {
        var hash = 17;
        foreach (var c in test)
            hash = unchecked(hash * 31 + c);
        return new Random(unchecked(Seed * 7919 + hash));
    }

    private static int Integer(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;

    private static double Number(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}

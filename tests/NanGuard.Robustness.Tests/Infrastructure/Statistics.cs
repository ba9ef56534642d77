using System;
using System.Globalization;
using System.Threading;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>The figures of a run, summed over every test of the suite and printed at its end.</summary>
public static class Statistics
{
    private static long _inputs;
    private static long _characters;
    private static long _analyzerTicks;
    private static long _exceptions;
    private static long _slowInputs;
    private static long _fixesApplied;
    private static long _brokenFixes;
    private static long _determinismRuns;
    private static long _nondeterministic;
    private static long _diagnostics;
    private static readonly long Started = DateTime.UtcNow.Ticks;

    public static void Analyzed(int characters, TimeSpan analyzerTime, int exceptions, int diagnostics, bool slow)
    {
        Interlocked.Increment(ref _inputs);
        Interlocked.Add(ref _characters, characters);
        Interlocked.Add(ref _analyzerTicks, analyzerTime.Ticks);
        Interlocked.Add(ref _exceptions, exceptions);
        Interlocked.Add(ref _diagnostics, diagnostics);
        if (slow)
            Interlocked.Increment(ref _slowInputs);
    }

    public static void FixApplied(bool broken)
    {
        Interlocked.Increment(ref _fixesApplied);
        if (broken)
            Interlocked.Increment(ref _brokenFixes);
    }

    public static void DeterminismChecked(bool differs)
    {
        Interlocked.Increment(ref _determinismRuns);
        if (differs)
            Interlocked.Increment(ref _nondeterministic);
    }

    /// <summary>One line, for CI logs.</summary>
    public static string Summary()
    {
        var kb = Interlocked.Read(ref _characters) / 1024.0;
        var analyzerMs = TimeSpan.FromTicks(Interlocked.Read(ref _analyzerTicks)).TotalMilliseconds;
        var total = TimeSpan.FromTicks(DateTime.UtcNow.Ticks - Started);
        return string.Format(CultureInfo.InvariantCulture,
            "NanGuard robustness (seed {0}, cases {1}): inputs {2}, {3:F0} KB, analyzer exceptions {4}, over time bound {5}, " +
            "diagnostics {6}, fixes applied {7}, broken fixes {8}, determinism checks {9}, nondeterministic {10}, " +
            "analyzer time {11:F0} ms ({12:F3} ms/KB), suite time {13:F1} s",
            RobustnessSettings.Seed, RobustnessSettings.Cases, Interlocked.Read(ref _inputs), kb,
            Interlocked.Read(ref _exceptions), Interlocked.Read(ref _slowInputs), Interlocked.Read(ref _diagnostics),
            Interlocked.Read(ref _fixesApplied), Interlocked.Read(ref _brokenFixes), Interlocked.Read(ref _determinismRuns),
            Interlocked.Read(ref _nondeterministic), analyzerMs, kb > 0 ? analyzerMs / kb : 0, total.TotalSeconds);
    }
}

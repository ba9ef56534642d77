using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>The checks every input goes through, and the report of what failed.</summary>
public static class Checks
{
    /// <summary>Analyzes <paramref name="input"/>: no exception, within <paramref name="bound"/>. Returns the run and its problems.</summary>
    public static async Task<(AnalysisRun Run, List<string> Problems)> AnalyzeAsync(RobustnessInput input, TimeBound bound)
    {
        var run = await Analysis.RunAsync(input.CreateProject());
        return (run, Analysis.Check(run, bound));
    }

    /// <summary>
    /// Runs the analyzer with concurrent analysis on and off, twice each, and compares the diagnostics (id, place,
    /// severity, message) and their order. Returns a description of the difference, or null.
    /// </summary>
    /// <remarks>
    /// The order compared is the order a host shows: by file, then position, then id. The raw order of
    /// CompilationWithAnalyzers follows the completion of its callbacks (it varies from run to run in Roslyn itself,
    /// even without concurrent analysis); what our rules decide is which diagnostics, where, with which message and
    /// severity, and that is what must not vary.
    /// </remarks>
    public static async Task<string?> DeterminismAsync(AnalysisRun first)
    {
        var reference = Ordered(first);
        foreach (var concurrent in new[] { false, true, false, true })
        {
            var again = Ordered(await Analysis.RunAsync(first.Project, concurrent));
            var differs = !again.SequenceEqual(reference);
            Statistics.DeterminismChecked(differs);
            if (differs)
            {
                return $"diagnostics differ (concurrent: {concurrent}):\n  first:\n    {string.Join("\n    ", reference)}\n  then:\n    {string.Join("\n    ", again)}";
            }
        }
        return null;
    }

    private static List<string> Ordered(AnalysisRun run) =>
        run.Diagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Location.SourceSpan.End)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(AnalysisRun.Key).ToList();

    /// <summary>Fails with every problem found, each with its input as a reproduction.</summary>
    public static void Report(ITestOutputHelper output, string what, int inputs, List<string> failures)
    {
        output.WriteLine($"{what}: {inputs} inputs, {failures.Count} failures");
        output.WriteLine(Statistics.Summary());
        if (failures.Count > 0)
            throw new XunitException($"{what}: {failures.Count} failure(s) on {inputs} inputs:\n\n" + string.Join("\n\n=====\n\n", failures.Take(10)));
    }

    /// <summary>Describes a failing input: its origin, what failed, and its text.</summary>
    public static string Describe(string origin, IEnumerable<string> problems, string text) =>
        $"[{origin}] {string.Join("; ", problems)}\n--- input:\n{text}";
}

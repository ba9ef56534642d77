using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using NanGuard.Robustness.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NanGuard.Robustness.Tests;

/// <summary>
/// Half-typed code: originals cut at random points, with stretches and tokens deleted, duplicated or swapped, as many
/// as <c>NANGUARD_ROBUSTNESS_CASES</c> from <c>NANGUARD_ROBUSTNESS_SEED</c>. Each must analyze without exception within
/// its time bound; every fourth also goes through the determinism check, and every one with a diagnostic through the
/// fixes (which must add no compiler error to those the half-typed code already has). A failing input is shrunk and
/// kept in Regressions/Found.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class FuzzTests
{
    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Mutated_inputs_analyze_without_exception_and_fixes_stay_sound()
    {
        var random = RobustnessSettings.RandomFor(nameof(Mutated_inputs_analyze_without_exception_and_fixes_stay_sound));
        var mutator = new Mutator(random);
        var corpus = Corpus.All;
        var failures = new List<string>();
        for (var i = 0; i < RobustnessSettings.Cases; i++)
        {
            var source = corpus[random.Next(corpus.Count)];
            var (text, how) = mutator.Mutate(source.Text);
            var origin = $"case {i}: {source.Origin}, {how}";
            var problems = await CheckAsync(text, determinism: i % 4 == 0);
            if (problems.Count == 0)
                continue;
            var minimal = Minimizer.Minimize(text, t => CheckAsync(t, determinism: false).GetAwaiter().GetResult().Count > 0, TimeSpan.FromSeconds(20));
            var kept = Regressions.Keep(minimal, origin);
            failures.Add(Checks.Describe($"{origin}; kept as {kept}", problems, minimal));
        }
        Checks.Report(_output, "mutated inputs", RobustnessSettings.Cases, failures);
    }

    private static async Task<List<string>> CheckAsync(string text, bool determinism)
    {
        var input = RobustnessInput.For("mutated", text);
        var (run, problems) = await Checks.AnalyzeAsync(input, TimeBound.Ordinary);
        if (determinism && await Checks.DeterminismAsync(run) is { } difference)
            problems.Add(difference);
        if (!run.Diagnostics.IsEmpty)
            problems.AddRange(await FixChecker.CheckAsync(run, fixAll: determinism));
        return problems;
    }
}

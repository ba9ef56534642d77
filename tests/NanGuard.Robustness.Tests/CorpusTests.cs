using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using NanGuard.Robustness.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NanGuard.Robustness.Tests;

/// <summary>
/// The originals (every rule test's sources, the samples, the odd constructs, the kept regressions): no analyzer
/// exception, within the time bound, the same diagnostics in the same order with concurrent analysis on and off, and
/// every fix sound on every positive case.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class CorpusTests
{
    private readonly ITestOutputHelper _output;

    public CorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Corpus_is_gathered_from_the_repository()
    {
        Assert.NotEmpty(Corpus.TestSources);
        Assert.NotEmpty(Corpus.Samples);
        Assert.NotEmpty(FixChecker.Providers);
        _output.WriteLine($"{Corpus.TestSources.Count} test sources, {Corpus.Samples.Count} samples, {OddConstructs.All.Count} odd constructs, " +
            $"{Regressions.Inputs().Count} regressions; fixes: {string.Join(", ", FixChecker.Providers.Select(p => p.GetType().Name))}");
    }

    [Fact]
    public async Task Originals_analyze_without_exception_deterministically_and_every_fix_is_sound()
    {
        var failures = new List<string>();
        var corpus = Corpus.All;
        var positive = 0;
        foreach (var source in corpus)
        {
            var input = RobustnessInput.For(source.Origin, source.Text);
            var (run, problems) = await Checks.AnalyzeAsync(input, TimeBound.Ordinary);
            if (await Checks.DeterminismAsync(run) is { } difference)
                problems.Add(difference);
            if (!run.Diagnostics.IsEmpty)
                positive++;
            problems.AddRange(await FixChecker.CheckAsync(run));
            if (problems.Count > 0)
                failures.Add(Checks.Describe(source.Origin, problems, source.Text));
        }
        _output.WriteLine($"{positive} of {corpus.Count} originals have diagnostics");
        Checks.Report(_output, "originals", corpus.Count, failures);
    }
}

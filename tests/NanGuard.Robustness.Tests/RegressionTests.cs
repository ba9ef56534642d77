using System.Collections.Generic;
using System.Threading.Tasks;
using NanGuard.Robustness.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NanGuard.Robustness.Tests;

/// <summary>Every kept input of Regressions/ (found by the generator or by hand) goes through every check again.</summary>
[Collection(RobustnessCollection.Name)]
public sealed class RegressionTests
{
    private readonly ITestOutputHelper _output;

    public RegressionTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Kept_regression_inputs_stay_fixed()
    {
        var failures = new List<string>();
        var inputs = Regressions.Inputs();
        foreach (var source in inputs)
        {
            var (run, problems) = await Checks.AnalyzeAsync(RobustnessInput.For(source.Origin, source.Text), TimeBound.Ordinary);
            if (await Checks.DeterminismAsync(run) is { } difference)
                problems.Add(difference);
            problems.AddRange(await FixChecker.CheckAsync(run));
            if (problems.Count > 0)
                failures.Add(Checks.Describe(source.Origin, problems, source.Text));
        }
        Checks.Report(_output, "regressions", inputs.Count, failures);
    }
}

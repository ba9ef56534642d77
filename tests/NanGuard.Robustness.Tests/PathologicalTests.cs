using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using NanGuard.Robustness.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NanGuard.Robustness.Tests;

/// <summary>
/// Pathological sizes: expressions nested thousands deep, a method of ten thousand lines, a file of a hundred
/// thousand lines, thousands of diagnostics in one file. Each is analyzed on a thread with a large stack (the
/// compiler's own recursion is not ours to test; it reports CS8078 where an expression is too deep), must not throw,
/// and must finish within <see cref="TimeBound.Pathological"/>.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class PathologicalTests
{
    private readonly ITestOutputHelper _output;

    public PathologicalTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Names() => Pathological.All().Select(p => new object[] { p.Name });

    [Fact]
    public void Long_training_loop_analyzes_in_linear_time()
    {
        var (name, text) = Pathological.LongTrainingLoop();
        var (_, problems) = Analysis.OnLargeStack(() => Checks.AnalyzeAsync(RobustnessInput.For(name, text), TimeBound.Pathological).GetAwaiter().GetResult());
        Checks.Report(_output, name, 1, problems.Select(p => $"[{name}] {p}").ToList());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Pathological_input_analyzes_without_exception_in_linear_time(string name)
    {
        var text = Pathological.All().Single(p => p.Name == name).Text;
        var input = RobustnessInput.For(name, text);
        var (run, problems) = Analysis.OnLargeStack(() => Checks.AnalyzeAsync(input, TimeBound.Pathological).GetAwaiter().GetResult());
        _output.WriteLine($"{name}: {text.Length / 1024.0:F0} KB, {run.Diagnostics.Length} diagnostics, {run.Errors.Length} compiler errors, analyzer {run.AnalyzerTime.TotalMilliseconds:F0} ms");
        var failures = problems.Count == 0 ? new List<string>() : new List<string> { $"[{name}] {string.Join("; ", problems)}" };
        Checks.Report(_output, name, 1, failures);
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using NanGuard.Robustness.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NanGuard.Robustness.Tests;

/// <summary>
/// Every original compiled against a TorchSharp of another shape (members missing, other signatures, another version):
/// compiler errors are expected; an analyzer exception is not, rules whose symbols are absent stay silent, and a fix
/// offered there must still add no compiler error.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class VariantTorchSharpTests
{
    private readonly ITestOutputHelper _output;

    public VariantTorchSharpTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Variants() => VariantTorchSharp.All.Select(v => new object[] { v.Name });

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Rules_stay_silent_where_symbols_are_absent_and_never_throw(string name)
    {
        var variant = VariantTorchSharp.All.Single(v => v.Name == name);
        var failures = new List<string>();
        var corpus = Corpus.All;
        var reported = 0;
        foreach (var source in corpus)
        {
            var input = new RobustnessInput(source.Origin, source.Text, variant.References, RobustnessInput.InferOutputKind(source.Text));
            var (run, problems) = await Checks.AnalyzeAsync(input, TimeBound.Ordinary);
            reported += run.Diagnostics.Length;
            foreach (var diagnostic in run.Diagnostics.Where(d => variant.SilentIds.Any(prefix => d.Id.StartsWith(prefix, System.StringComparison.Ordinal))))
                problems.Add($"{diagnostic.Id} reported though the symbols it needs are absent: {diagnostic}");
            if (!run.Diagnostics.IsEmpty)
                problems.AddRange(await FixChecker.CheckAsync(run, fixAll: false));
            if (problems.Count > 0)
                failures.Add(Checks.Describe($"{source.Origin} against TorchSharp {name}", problems, source.Text));
        }
        _output.WriteLine($"{name}: {reported} diagnostics on {corpus.Count} inputs");
        Checks.Report(_output, $"TorchSharp {name}", corpus.Count, failures);
    }
}

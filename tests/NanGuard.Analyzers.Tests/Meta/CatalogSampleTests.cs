using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Analyzers.Tests.Verifiers;
using Xunit;

namespace NanGuard.Analyzers.Tests.Meta;

/// <summary>The catalog samples compile against ref/TorchSharp and trip each rule they are written for.</summary>
public sealed class CatalogSampleTests
{
    [Theory]
    [InlineData("TrainingLoop", new[] { "NG2001", "NG2002", "NG2003", "NG2004", "NG2005" })]
    [InlineData("ApiMisuse", new[] { "NG3001", "NG3002", "NG3003" })]
    public async Task Sample_trips_each_of_its_rules(string sample, string[] ids)
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("samples", "Catalog", sample, "Program.cs"));
        var project = TestProject.Create(new[] { new TestSource("Program.cs", text) }, editorConfig: null,
            TestReferences.WithTorchSharp, outputKind: OutputKind.ConsoleApplication);
        var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer()));
        Assert.Empty(TestProject.Errors(result.Compilation));
        AnalyzerRunner.AssertNoAnalyzerExceptions(result);
        var reported = result.Diagnostics.Select(d => d.Id).ToImmutableHashSet();
        Assert.All(ids, id => Assert.Contains(id, reported));
    }
}

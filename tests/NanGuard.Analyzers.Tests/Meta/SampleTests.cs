using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Testing;
using Xunit;

namespace NanGuard.Analyzers.Tests.Meta;

/// <summary>
/// The bundled samples show what the README promises: each line of a sample marked <c>// NanGuard: NGxxxx</c> gets
/// exactly those findings, and no other line (in particular no line of a fixed sample) gets any.
/// </summary>
public sealed class SampleTests
{
    private static readonly Regex Marker = new(@"//\s*NanGuard:\s*(?<ids>NG\d{4}(\s*,\s*NG\d{4})*)\s*$");

    public static IEnumerable<object[]> SampleProjects() =>
        Directory.GetFiles(RepositoryPaths.Combine("samples"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => new object[] { Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(path)!) })
            .OrderBy(row => (string)row[0]);

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Sample_gets_exactly_the_findings_its_markers_name(string folder)
    {
        var files = Directory.GetFiles(RepositoryPaths.Combine(folder), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar)
                        && !path.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
            .OrderBy(path => path)
            .ToList();
        var sources = files.Select(path => new TestSource(Path.GetFileName(path), File.ReadAllText(path))).ToList();
        // A sample that calls NanGuard.Runtime (the guarded samples) references it, as its project file does.
        var callsRuntime = Directory.GetFiles(RepositoryPaths.Combine(folder), "*.csproj")
            .Any(path => File.ReadAllText(path).Contains("NanGuard.Runtime.csproj", System.StringComparison.Ordinal));
        var references = callsRuntime ? TestReferences.WithNanGuardRuntime : TestReferences.WithTorchSharp;
        var project = TestProject.Create(sources, editorConfig: null, references, outputKind: OutputKind.ConsoleApplication);
        var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer()));

        Assert.Empty(TestProject.Errors(result.Compilation));
        AnalyzerRunner.AssertNoAnalyzerExceptions(result);

        var expected = sources
            .SelectMany(source => source.Text.Split('\n').Select((line, index) => (source.Name, Line: index + 1, Match: Marker.Match(line))))
            .Where(x => x.Match.Success)
            .SelectMany(x => x.Match.Groups["ids"].Value.Split(',').Select(id => $"{x.Name}:{x.Line}: {id.Trim()}"))
            .OrderBy(x => x)
            .ToList();
        var actual = result.Diagnostics
            .Where(d => d.Id.StartsWith("NG", System.StringComparison.Ordinal))
            .Select(d => $"{Path.GetFileName(d.Location.SourceTree!.FilePath)}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}")
            .OrderBy(x => x)
            .ToList();
        Assert.True(expected.SequenceEqual(actual),
            "Findings differ from the markers.\nExpected:\n  " + string.Join("\n  ", expected) + "\nActual:\n  " + string.Join("\n  ", actual));
        if (folder.EndsWith("Fixed", System.StringComparison.Ordinal))
            Assert.Empty(actual);
    }
}

using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NanGuard.Benchmarks;

/// <summary>
/// Compiles every plant entry, the skipped ones too, so that an entry written for a rule still in progress is known
/// to compile before its rule arrives.
/// </summary>
internal static class PlantCheck
{
    public static void CompileEveryEntry(Setup setup)
    {
        var random = new Random(1);
        var header = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing TorchSharp;\nusing TorchSharp.Modules;\n" +
            "using static TorchSharp.torch;\nusing F = TorchSharp.torch.nn.functional;\n";
        var entries = Plants.All;
        var trees = entries.Select((entry, i) => CSharpSyntaxTree.ParseText(
            header + $"namespace PlantCheck{i}\n{{\n" + entry.Write("Check", random) + "\n}\n", Compiler.ParseOptions, $"plant{i}.cs")).ToArray();
        var compilation = CSharpCompilation.Create("PlantCheck", trees, Compiler.References(torch: true), Compiler.Options);
        foreach (var error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var entry = entries[Array.IndexOf(trees, error.Location.SourceTree)];
            var message = $"plant entry {entry.Rule}.{entry.Name} does not compile: {error}";
            if (setup.Reports(entry.Rule))
                throw new BenchmarkFailure(message);
            Console.WriteLine("note: " + message);
        }
    }
}

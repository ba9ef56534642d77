using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NanGuard.Analyzers;
using NanGuard.Testing;
using NanGuard.CodeFixes;

namespace NanGuard.Benchmarks;

/// <summary>
/// Code-fix latency (the code actions for one diagnostic, then the first action's operations: what the IDE does
/// for the light bulb and its preview) and fix-all in solution scope over every finding of the corpus. Latency is
/// measured both ways: wall time is what a user waits for, but on a shared machine it also counts the time other
/// processes held the processor, so the target is judged on the process's CPU time (every thread's, which on an idle
/// machine is at least the wall time). The target is the code actions' computation, which for NanGuard includes
/// writing and checking the fixed document; the first action's operations (Roslyn's clean-up of that document) are
/// reported beside it.
/// </summary>
internal sealed class FixBenchmark
{
    private readonly Setup _setup;
    private readonly Corpus _corpus;
    private readonly int _samples;
    private readonly Action<string, bool, string> _verdict;

    public FixBenchmark(Setup setup, Corpus corpus, int samples, Action<string, bool, string> verdict)
    {
        _setup = setup;
        _corpus = corpus;
        _samples = samples;
        _verdict = verdict;
    }

    public async Task<string> RunAsync()
    {
        var providers = typeof(NanGuardCodeFix).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CodeFixProvider)) && !t.IsAbstract)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var byId = providers.SelectMany(p => p.FixableDiagnosticIds.Select(id => (id, p)))
            .GroupBy(x => x.id).ToDictionary(g => g.Key, g => g.First().p, StringComparer.Ordinal);

        var project = CreateProject();
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = (await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer()))
                .GetAnalyzerDiagnosticsAsync())
            .Where(d => byId.ContainsKey(d.Id))
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
        if (diagnostics.IsEmpty)
            return "code fixes: no fixable finding in the corpus";

        // Latency: a spread sample, after a warm-up on the first few (JIT).
        var step = Math.Max(1, diagnostics.Length / Math.Max(1, _samples));
        var sample = diagnostics.Where((_, i) => i % step == 0).Take(_samples).ToArray();
        foreach (var diagnostic in sample.Take(3))
            await FixOneAsync(project, diagnostic, byId[diagnostic.Id]);
        var timings = new List<FixTiming>();
        foreach (var diagnostic in sample)
            timings.Add(await FixOneAsync(project, diagnostic, byId[diagnostic.Id]));
        var offered = timings.Count(t => t.Offered);
        var actionsCpu = Percentiles(timings.Select(t => t.ActionsCpu));
        var actionsWall = Percentiles(timings.Select(t => t.ActionsWall));
        var operationsCpu = Percentiles(timings.Where(t => t.Offered).Select(t => t.OperationsCpu));
        var operationsWall = Percentiles(timings.Where(t => t.Offered).Select(t => t.OperationsWall));
        _verdict("each code fix < 50 ms at p95 (computing the actions, CPU time)", actionsCpu.P95 < 50,
            string.Format(CultureInfo.InvariantCulture, "median {0:0.0} ms, p95 {1:0.0} ms (wall {2:0.0} / {3:0.0} ms) over {4} findings",
                actionsCpu.Median, actionsCpu.P95, actionsWall.Median, actionsWall.P95, timings.Count));

        // Fix-all: every provider over all its findings in solution scope, through its fix-all provider (the batch fixer).
        var fixAllTimer = Stopwatch.StartNew();
        var changedDocuments = 0;
        var fixedFindings = 0;
        foreach (var provider in providers)
        {
            var own = diagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
            if (own.IsEmpty || provider.GetFixAllProvider() is not { } fixAll)
                continue;
            // Fix-all starts from a diagnostic that has an action, as the IDE starts it from one.
            foreach (var diagnostic in own)
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree)!;
                var actions = await ActionsAsync(document, diagnostic, provider);
                if (actions.Count == 0)
                    continue;
                var context = new FixAllContext(document, provider, FixAllScope.Solution, actions[0].EquivalenceKey,
                    provider.FixableDiagnosticIds, new KnownDiagnostics(own), CancellationToken.None);
                var action = await fixAll.GetFixAsync(context);
                if (action is null)
                    break;
                var operations = await action.GetOperationsAsync(CancellationToken.None);
                var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
                var changes = changed.GetChanges(project.Solution).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()).ToArray();
                changedDocuments += changes.Length;
                // Materialise the fixed text, as applying the fix does.
                foreach (var id in changes)
                    _ = await changed.GetDocument(id)!.GetTextAsync();
                fixedFindings += own.Length;
                break;
            }
        }
        var fixAllSeconds = fixAllTimer.Elapsed.TotalSeconds;
        _verdict($"fix-all over the {_corpus.Name} corpus < 10 s", fixAllSeconds < 10,
            string.Format(CultureInfo.InvariantCulture, "{0:0.00} s for {1} findings in {2} documents", fixAllSeconds, fixedFindings, changedDocuments));
        return string.Format(CultureInfo.InvariantCulture,
            "code fixes on {0}: {1} fixable findings, {2} sampled, {3} offered an action; computing the actions: CPU median {4:0.0} ms, " +
            "p95 {5:0.0} ms (wall {6:0.0} / {7:0.0} ms); the first action's operations (Roslyn's clean-up of the fixed document, what " +
            "a preview or apply adds): CPU median {8:0.0} ms, p95 {9:0.0} ms (wall {10:0.0} / {11:0.0} ms); fix-all (solution scope) " +
            "{12:0.00} s, {13} documents changed",
            _corpus.Name, diagnostics.Length, timings.Count, offered, actionsCpu.Median, actionsCpu.P95, actionsWall.Median, actionsWall.P95,
            operationsCpu.Median, operationsCpu.P95, operationsWall.Median, operationsWall.P95, fixAllSeconds, changedDocuments);
    }

    /// <summary>The code actions for one finding, then the first one's operations, each timed in CPU and wall time.</summary>
    private static async Task<FixTiming> FixOneAsync(Project project, Diagnostic diagnostic, CodeFixProvider provider)
    {
        var document = project.GetDocument(diagnostic.Location.SourceTree)!;
        var cpu = Compiler.CpuNow();
        var wall = Stopwatch.StartNew();
        var actions = await ActionsAsync(document, diagnostic, provider);
        var actionsCpu = (Compiler.CpuNow() - cpu).TotalMilliseconds;
        var actionsWall = wall.Elapsed.TotalMilliseconds;
        if (actions.Count == 0)
            return new FixTiming(false, actionsCpu, actionsWall, 0, 0);
        cpu = Compiler.CpuNow();
        wall.Restart();
        await actions[0].GetOperationsAsync(CancellationToken.None);
        return new FixTiming(true, actionsCpu, actionsWall, (Compiler.CpuNow() - cpu).TotalMilliseconds, wall.Elapsed.TotalMilliseconds);
    }

    private static (double Median, double P95) Percentiles(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? (0, 0) : (Stats.Median(list), Stats.Percentile(list, 0.95));
    }

    private sealed record FixTiming(bool Offered, double ActionsCpu, double ActionsWall, double OperationsCpu, double OperationsWall);

    private static async Task<List<CodeAction>> ActionsAsync(Document document, Diagnostic diagnostic, CodeFixProvider provider)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return actions;
    }

    private Project CreateProject()
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId(_corpus.Name);
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, _corpus.Name, _corpus.Name,
            LanguageNames.CSharp, filePath: System.IO.Path.Combine(Compiler.Root, _corpus.Name + ".csproj"),
            compilationOptions: Compiler.Options, parseOptions: Compiler.ParseOptions, metadataReferences: Compiler.References(_corpus.UsesTorchSharp)));
        foreach (var file in _corpus.Files)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId, file.Name), file.Name,
                SourceText.From(file.Text, Encoding.UTF8), filePath: System.IO.Path.Combine(Compiler.Root, file.Name));
        }
        return solution.GetProject(projectId)!;
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace NanGuard.Cli.Fixing;

/// <summary>
/// Applies NanGuard's code fixes to a solution in memory, the way the IDE's "fix all in solution" does: one fix
/// (rule and equivalence key) at a time through the provider's fix-all provider, then analysis again, until no
/// fixable diagnostic is left or a fix stops making progress. Writes nothing: see <see cref="AtomicFileWriter"/>.
/// </summary>
public sealed class SolutionFixer
{
    private const int MaxRounds = 32;
    private readonly NanGuardEngine engine;

    /// <summary>A fixer using <paramref name="engine"/>'s analyzer and fixes.</summary>
    public SolutionFixer(NanGuardEngine engine) => this.engine = engine;

    /// <summary>The fixed solution; <paramref name="includeRule"/> limits the rules fixed.</summary>
    public async Task<Solution> FixAsync(Solution solution, Func<string, bool> includeRule, Action<string> progress, CancellationToken cancellationToken)
    {
        var exhausted = new HashSet<(string Id, string Key)>();
        for (var round = 0; round < MaxRounds; round++)
        {
            var diagnostics = await engine.AnalyzeAsync(solution, includeRule, cancellationToken).ConfigureAwait(false);
            var next = await NextFixAsync(solution, diagnostics, exhausted, cancellationToken).ConfigureAwait(false);
            if (next is null)
                return solution;

            var (provider, key, id, document) = next.Value;
            progress($"applying {key} ({id})");
            var fixAll = provider.GetFixAllProvider();
            var context = new FixAllContext(document, provider, FixAllScope.Solution, key, new[] { id }, new KnownDiagnostics(diagnostics), cancellationToken);
            var action = fixAll is null ? null : await fixAll.GetFixAsync(context).ConfigureAwait(false);
            var changed = action is null ? solution : await ApplyAsync(solution, action, cancellationToken).ConfigureAwait(false);
            if (changed == solution || !HasTextChanges(solution, changed))
                exhausted.Add((id, key));
            solution = changed;
        }
        return solution;
    }

    /// <summary>The documents whose text differs between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static IEnumerable<DocumentId> ChangedDocuments(Solution before, Solution after) =>
        after.GetChanges(before).GetProjectChanges().SelectMany(p => p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true));

    private static bool HasTextChanges(Solution before, Solution after) => ChangedDocuments(before, after).Any();

    private async Task<(CodeFixProvider Provider, string Key, string Id, Document Document)?> NextFixAsync(
        Solution solution, ImmutableArray<Diagnostic> diagnostics, HashSet<(string, string)> exhausted, CancellationToken cancellationToken)
    {
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
        {
            var document = solution.GetDocument(diagnostic.Location.SourceTree);
            if (document is null)
                continue;
            foreach (var provider in engine.FixProviders.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
                await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
                var key = actions.Select(a => a.EquivalenceKey).FirstOrDefault(k => k is not null && !exhausted.Contains((diagnostic.Id, k)));
                if (key is not null)
                    return (provider, key, diagnostic.Id, document);
            }
        }
        return null;
    }

    private static async Task<Solution> ApplyAsync(Solution solution, CodeAction action, CancellationToken cancellationToken)
    {
        var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        return operations.OfType<ApplyChangesOperation>().LastOrDefault()?.ChangedSolution ?? solution;
    }

    /// <summary>Hands fix-all the diagnostics already computed for this round.</summary>
    private sealed class KnownDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> diagnostics;

        public KnownDiagnostics(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return diagnostics.Where(d => d.Location.SourceTree == tree
                || (tree is not null && string.Equals(d.Location.SourceTree?.FilePath, tree.FilePath, StringComparison.Ordinal)));
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var paths = project.Documents.Select(d => d.FilePath).Where(p => p is not null).ToHashSet(StringComparer.Ordinal);
            await Task.CompletedTask.ConfigureAwait(false);
            return diagnostics.Where(d => d.Location.SourceTree?.FilePath is { } path && paths.Contains(path));
        }
    }
}

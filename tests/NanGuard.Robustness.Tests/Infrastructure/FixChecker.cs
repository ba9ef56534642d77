using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using NanGuard.Testing;
using NanGuard.CodeFixes;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>
/// Applies every code action every NanGuard fix offers for every diagnostic of an input, one at a time and as fix-all
/// (document and project scope), and checks that each result has no compiler error the input did not have, that the
/// fixed diagnostic is gone from the place it was (its span mapped through the fix's text changes), and that the
/// analyzers still do not throw on it.
/// </summary>
public static class FixChecker
{
    /// <summary>Every code fix in the NanGuard.CodeFixes assembly, found by reflection so new fixes join by themselves.</summary>
    public static ImmutableArray<CodeFixProvider> Providers { get; } = typeof(NanGuardCodeFix).Assembly.GetTypes()
        .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>Checks every fix on <paramref name="original"/>; returns the failures, each a reproduction.</summary>
    public static async Task<List<string>> CheckAsync(AnalysisRun original, bool fixAll = true, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        foreach (var provider in Providers)
        {
            var fixable = provider.FixableDiagnosticIds.ToImmutableHashSet();
            var diagnostics = original.Diagnostics.Where(d => fixable.Contains(d.Id) && d.Location.IsInSource).ToImmutableArray();
            if (diagnostics.IsEmpty)
                continue;
            var offered = new List<(Diagnostic Diagnostic, CodeAction Action)>();
            foreach (var diagnostic in diagnostics)
            {
                var document = original.Project.GetDocument(diagnostic.Location.SourceTree);
                if (document is null)
                    continue;
                foreach (var action in await ActionsAsync(provider, document, diagnostic, failures, cancellationToken))
                {
                    offered.Add((diagnostic, action));
                    var failure = await CheckActionAsync(original, action, new[] { diagnostic }, "singly", cancellationToken);
                    Statistics.FixApplied(failure is not null);
                    if (failure is not null)
                        failures.Add(failure);
                }
            }
            if (!fixAll || offered.Count == 0 || provider.GetFixAllProvider() is not { } fixAllProvider)
                continue;
            foreach (var group in offered.GroupBy(o => o.Action.EquivalenceKey))
            {
                foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project })
                {
                    var first = group.First().Diagnostic;
                    var document = original.Project.GetDocument(first.Location.SourceTree)!;
                    var context = new FixAllContext(document, provider, scope, group.Key, provider.FixableDiagnosticIds,
                        new KnownDiagnostics(original.Diagnostics), cancellationToken);
                    CodeAction? action;
                    try
                    {
                        action = await fixAllProvider.GetFixAsync(context);
                    }
                    catch (Exception e)
                    {
                        failures.Add($"fix-all ({provider.GetType().Name}, {scope}) threw: {e}\n{Reproduction(original, group.Select(g => g.Diagnostic))}");
                        continue;
                    }
                    if (action is null)
                        continue;
                    var failure = await CheckActionAsync(original, action, group.Select(g => g.Diagnostic).Distinct().ToArray(), "fix-all in " + scope, cancellationToken);
                    Statistics.FixApplied(failure is not null);
                    if (failure is not null)
                        failures.Add(failure);
                }
            }
        }
        return failures;
    }

    private static async Task<List<CodeAction>> ActionsAsync(CodeFixProvider provider, Document document, Diagnostic diagnostic, List<string> failures, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        try
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
            await provider.RegisterCodeFixesAsync(context);
        }
        catch (Exception e)
        {
            failures.Add($"{provider.GetType().Name} threw while offering fixes: {e}\n{Reproduction(document, diagnostic)}");
        }
        return actions;
    }

    private static async Task<string?> CheckActionAsync(AnalysisRun original, CodeAction action, IReadOnlyList<Diagnostic> fixedDiagnostics, string how, CancellationToken cancellationToken)
    {
        Solution changed;
        try
        {
            var operations = await action.GetOperationsAsync(cancellationToken);
            var apply = operations.OfType<ApplyChangesOperation>().SingleOrDefault();
            if (apply is null)
                return $"'{action.Title}' ({how}) changes nothing\n{Reproduction(original, fixedDiagnostics)}";
            changed = apply.ChangedSolution;
        }
        catch (Exception e)
        {
            return $"'{action.Title}' ({how}) threw: {e}\n{Reproduction(original, fixedDiagnostics)}";
        }

        var project = changed.GetProject(original.Project.Id)!;
        var after = await Analysis.RunAsync(project, cancellationToken: cancellationToken);
        var problems = new List<string>();
        var newErrors = MultisetDifference(after.Errors, original.Errors);
        if (newErrors.Count > 0)
            problems.Add("new compiler errors:\n    " + string.Join("\n    ", newErrors));
        if (!after.Exceptions.IsEmpty)
            problems.Add("analyzer exceptions on the fixed code:\n    " + string.Join("\n    ", after.Exceptions));
        foreach (var diagnostic in fixedDiagnostics)
        {
            var oldDocument = original.Project.GetDocument(diagnostic.Location.SourceTree)!;
            var newDocument = project.GetDocument(oldDocument.Id)!;
            var changes = (await newDocument.GetTextChangesAsync(oldDocument, cancellationToken)).OrderBy(c => c.Span.Start).ToList();
            var place = Map(diagnostic.Location.SourceSpan, changes);
            var newTree = await newDocument.GetSyntaxTreeAsync(cancellationToken);
            if (after.Diagnostics.Any(d => d.Id == diagnostic.Id && d.Location.SourceTree == newTree && d.Location.SourceSpan == place))
                problems.Add($"{diagnostic.Id} is still reported at the fixed place {place}");
        }
        if (problems.Count == 0)
            return null;
        var fixedText = (await project.GetDocument(original.Project.Documents.First().Id)!.GetTextAsync(cancellationToken)).ToString();
        return $"'{action.Title}' ({action.EquivalenceKey}, {how}): {string.Join("; ", problems)}\n{Reproduction(original, fixedDiagnostics)}\n--- fixed code:\n{fixedText}";
    }

    /// <summary>
    /// Where <paramref name="span"/> is after <paramref name="changes"/>: shifted by the changes before it; an end that
    /// falls inside a change moves to that change's end (a rewritten expression covers the whole new text).
    /// </summary>
    public static TextSpan Map(TextSpan span, IReadOnlyList<TextChange> changes)
    {
        int MapPosition(int position, bool isStart)
        {
            var delta = 0;
            foreach (var change in changes)
            {
                var newLength = change.NewText?.Length ?? 0;
                if (change.Span.End <= position && !(isStart && change.Span.End == position && change.Span.Length > 0))
                {
                    delta += newLength - change.Span.Length;
                    continue;
                }
                if (change.Span.Start < position || (change.Span.Start == position && change.Span.Length > 0))
                    return isStart ? change.Span.Start + delta : change.Span.Start + delta + newLength;
                break;
            }
            return position + delta;
        }
        var start = MapPosition(span.Start, isStart: true);
        var end = Math.Max(start, MapPosition(span.End, isStart: false));
        return TextSpan.FromBounds(start, end);
    }

    private static List<string> MultisetDifference(ImmutableArray<string> after, ImmutableArray<string> before)
    {
        var remaining = before.GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        var added = new List<string>();
        foreach (var error in after)
        {
            if (remaining.TryGetValue(error, out var count) && count > 0)
                remaining[error] = count - 1;
            else
                added.Add(error);
        }
        return added;
    }

    private static string Reproduction(AnalysisRun run, IEnumerable<Diagnostic> diagnostics)
    {
        var document = run.Project.Documents.First();
        return Reproduction(document, diagnostics.ToArray());
    }

    private static string Reproduction(Document document, params Diagnostic[] diagnostics)
    {
        var text = document.GetTextAsync().GetAwaiter().GetResult().ToString();
        var builder = new StringBuilder();
        builder.AppendLine("--- input (fixed diagnostics marked):");
        builder.Append(AsMarkup(text, diagnostics.Select(d => (d.Id, d.Location.SourceSpan))));
        return builder.ToString();
    }

    /// <summary>The text with each diagnostic marked as <c>{|id:...|}</c>, as a test would mark it.</summary>
    private static string AsMarkup(string text, IEnumerable<(string Id, TextSpan Span)> diagnostics)
    {
        var inserts = new List<(int Position, int Order, string Text)>();
        foreach (var (id, span) in diagnostics)
        {
            // Opening marks of longer spans come first, closing marks of shorter spans first: marks nest properly.
            inserts.Add((span.Start, -span.Length, "{|" + id + ":"));
            inserts.Add((span.End, int.MaxValue - span.Length, "|}"));
        }
        inserts.Sort((a, b) => a.Position != b.Position ? a.Position.CompareTo(b.Position) : a.Order.CompareTo(b.Order));
        var result = new StringBuilder(text);
        for (var i = inserts.Count - 1; i >= 0; i--)
            result.Insert(inserts[i].Position, inserts[i].Text);
        return result.ToString();
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;
using NanGuard.Analyzers.Infrastructure;
using System.Collections.Immutable;

namespace NanGuard.CodeFixes;

/// <summary>What a fix needs to rebuild code: the document, its tree and model, and TorchSharp's session.</summary>
internal sealed class FixContext(Document document, SyntaxNode root, SemanticModel model, Session session, CancellationToken cancellationToken)
{
    public Document Document { get; } = document;
    public SyntaxNode Root { get; } = root;
    public SemanticModel Model { get; } = model;
    public Session Session { get; } = session;
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>A fix that replaces <paramref name="node"/> with <paramref name="replacement"/>, keeping its trivia.</summary>
    public FixAction Replace(string title, string equivalenceKey, SyntaxNode node, SyntaxNode replacement)
    {
        var newNode = replacement.WithTriviaFrom(node).WithAdditionalAnnotations(Formatter.Annotation);
        return Change(title, equivalenceKey, root => root.ReplaceNode(node, newNode));
    }

    /// <summary>
    /// A fix that applies <paramref name="change"/> to the root, and removes the declarations of the locals the change
    /// leaves unread (<see cref="DeadLocals"/>).
    /// </summary>
    public FixAction Change(string title, string equivalenceKey, Func<SyntaxNode, SyntaxNode> change)
    {
        var (document, root, model, session) = (Document, Root, Model, Session);
        return new FixAction(title, equivalenceKey, cancellationToken =>
        {
            var changed = DeadLocals.Remove(root, change(root), model, session, cancellationToken);
            return ImportAdder.AddImportsAsync(document.WithSyntaxRoot(changed), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken);
        });
    }
}

/// <summary>A fix a rule proposes: what <see cref="NanGuardCodeFix"/> checks before it offers it as a code action.</summary>
internal sealed class FixAction(string title, string equivalenceKey, Func<CancellationToken, Task<Document>> apply)
{
    public string Title { get; } = title;
    public string EquivalenceKey { get; } = equivalenceKey;

    /// <summary>The document with the fix applied (a using added for each name marked for it).</summary>
    public Func<CancellationToken, Task<Document>> Apply { get; } = apply;
}

/// <summary>
/// The base of NanGuard's code fixes: fix-all through the batch fixer (<see cref="KeyedBatchFixer"/>), and one place
/// that loads the document, its model and TorchSharp's session before a rule's fix decides what to offer. A fix that
/// cannot rebuild the code safely offers nothing.
/// </summary>
public abstract class NanGuardCodeFix : CodeFixProvider
{
    private protected NanGuardCodeFix()
    {
    }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => KeyedBatchFixer.Instance;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || Session.TryCreate(model.Compilation, context.Document.Project.AnalyzerOptions) is not { } session)
            return;

        var fix = new FixContext(context.Document, root, model, session, cancellationToken);
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var proposed in CreateFixes(fix, diagnostic))
            {
                if (proposed is null)
                    continue;
                var fixedDocument = await proposed.Apply(cancellationToken).ConfigureAwait(false);
                if (await AddsCompilerErrorsAsync(context.Document, model, fixedDocument, cancellationToken).ConfigureAwait(false))
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create(proposed.Title, _ => Task.FromResult(fixedDocument), proposed.EquivalenceKey),
                    diagnostic);
            }
        }
    }

    /// <summary>The fixes a rule proposes for <paramref name="diagnostic"/>; null where one cannot be written.</summary>
    internal abstract IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic);

    /// <summary>
    /// True where the fixed code has a compiler error, in the members the fix changed, that the original did not have:
    /// a rewrite that does not bind (a TorchSharp without the op it calls, an argument that no longer converts) is
    /// never offered, even in code that already had other errors. Errors are compared by id and message, since their
    /// places move. Only the changed members are bound again, so the check costs what binding them costs.
    /// </summary>
    private static async Task<bool> AddsCompilerErrorsAsync(Document original, SemanticModel originalModel, Document fixedDocument, CancellationToken cancellationToken)
    {
        var changes = (await fixedDocument.GetTextChangesAsync(original, cancellationToken).ConfigureAwait(false)).ToList();
        if (changes.Count == 0)
            return false;
        var fixedModel = await fixedDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var fixedRoot = await fixedDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (fixedModel is null || fixedRoot is null)
            return true;
        var before = Errors(originalModel, Members(originalModel.SyntaxTree.GetRoot(cancellationToken), changes.Select(c => c.Span)), cancellationToken);
        foreach (var error in Errors(fixedModel, Members(fixedRoot, NewSpans(changes)), cancellationToken))
        {
            if (!before.Remove(error))
                return true;
        }
        return false;
    }

    private static List<string> Errors(SemanticModel model, IEnumerable<TextSpan> spans, CancellationToken cancellationToken) =>
        spans.SelectMany(span => model.GetDiagnostics(span, cancellationToken))
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    // The span of each member (or, outside members, the whole file) holding a change.
    private static IEnumerable<TextSpan> Members(SyntaxNode root, IEnumerable<TextSpan> changed) =>
        changed
            .Select(span => root.FindToken(Math.Min(span.Start, Math.Max(0, root.FullSpan.End - 1))).Parent?
                .AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m is not BaseTypeDeclarationSyntax and not BaseNamespaceDeclarationSyntax)?.FullSpan
                ?? root.FullSpan)
            .Distinct();

    // Where each change lies in the fixed text: its start moved by the changes before it.
    private static IEnumerable<TextSpan> NewSpans(IEnumerable<TextChange> changes)
    {
        var shift = 0;
        foreach (var change in changes.OrderBy(c => c.Span.Start))
        {
            var length = change.NewText?.Length ?? 0;
            yield return new TextSpan(change.Span.Start + shift, length);
            shift += length - change.Span.Length;
        }
    }
}

/// <summary>
/// The fix of one rule: it finds the rule's match again at the diagnostic, with the rule's own matcher, and rebuilds
/// the code from it; where the match says no fix can be written, it offers none.
/// </summary>
/// <typeparam name="TRule">The rule.</typeparam>
/// <typeparam name="TMatch">What the rule's matcher yields.</typeparam>
public abstract class RuleFix<TRule, TMatch> : NanGuardCodeFix
    where TRule : Rule<TMatch>, new()
    where TMatch : Match
{
    private static readonly TRule Rule = new();

    private protected RuleFix()
    {
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rule.Descriptor.Id);

    internal sealed override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic) =>
        Rule.FindAgain(diagnostic, context.Model, context.Root, context.Session, context.CancellationToken) is { NoFixReason: null } match
            ? Fix(context, match, diagnostic)
            : Enumerable.Empty<FixAction?>();

    /// <summary>The fixes for <paramref name="match"/>; null where one cannot be written.</summary>
    internal abstract IEnumerable<FixAction?> Fix(FixContext context, TMatch match, Diagnostic diagnostic);
}

/// <summary>
/// The batch fixer, except that a fix-all started with no equivalence key applies the action the first finding offers
/// first. The batch fixer alone applies only actions whose key equals the one it was given, so with no key it would fix
/// nothing. dotnet format starts fix-all that way whenever the finding it probes for a key is another rule's: it
/// probes the first finding of the analyzer, and NanGuard's one analyzer reports every rule.
/// </summary>
internal sealed class KeyedBatchFixer : FixAllProvider
{
    public static readonly KeyedBatchFixer Instance = new();

    private KeyedBatchFixer()
    {
    }

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => WellKnownFixAllProviders.BatchFixer.GetSupportedFixAllScopes();

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        if (fixAllContext.CodeActionEquivalenceKey is null)
        {
            var key = await FirstKeyAsync(fixAllContext).ConfigureAwait(false);
            if (key is null)
                return null;
            var diagnostics = new ForwardedDiagnostics(fixAllContext);
            fixAllContext = fixAllContext.Document is { } document
                ? new FixAllContext(document, fixAllContext.CodeFixProvider, fixAllContext.Scope, key, fixAllContext.DiagnosticIds, diagnostics, fixAllContext.CancellationToken)
                : new FixAllContext(fixAllContext.Project, fixAllContext.CodeFixProvider, fixAllContext.Scope, key, fixAllContext.DiagnosticIds, diagnostics, fixAllContext.CancellationToken);
        }
        var batch = await WellKnownFixAllProviders.BatchFixer.GetFixAsync(fixAllContext).ConfigureAwait(false);
        if (batch is null)
            return null;
        var original = fixAllContext.Solution;
        return CodeAction.Create(batch.Title, cancellationToken => WithoutDeadLocalsAsync(batch, original, cancellationToken), batch.EquivalenceKey);
    }

    // The batch fixer merges fixes each computed against the original document: a local two fixes both stop reading
    // is still read in each one's view, so neither removed it. Once merged, each changed document is cleared of the
    // locals the fix-all as a whole left unread.
    private static async Task<Solution> WithoutDeadLocalsAsync(CodeAction batch, Solution original, CancellationToken cancellationToken)
    {
        var operations = await batch.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        var changed = operations.OfType<ApplyChangesOperation>().LastOrDefault()?.ChangedSolution ?? original;
        var documents = changed.GetChanges(original).GetProjectChanges().SelectMany(project => project.GetChangedDocuments()).ToList();
        foreach (var id in documents)
        {
            if (original.GetDocument(id) is not { } before
                || await before.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } beforeRoot
                || await before.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model
                || Session.TryCreate(model.Compilation, before.Project.AnalyzerOptions) is not { } session
                || changed.GetDocument(id) is not { } after
                || await after.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } afterRoot)
                continue;
            var cleared = DeadLocals.Remove(beforeRoot, afterRoot, model, session, cancellationToken);
            if (cleared != afterRoot)
                changed = changed.WithDocumentSyntaxRoot(id, cleared);
        }
        return changed;
    }

    // The key of the first action offered for the fix-all's findings: in the document it started from, then its
    // project, then (for a solution-wide fix-all) the other projects.
    private static async Task<string?> FirstKeyAsync(FixAllContext context)
    {
        // The starting document's findings come first; the project's are then probed without them.
        var document = context.Document;
        var start = document is null ? null : await document.GetSyntaxTreeAsync(context.CancellationToken).ConfigureAwait(false);
        if (document is not null
            && await FirstKeyAsync(context, await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)).ConfigureAwait(false) is { } key)
        {
            return key;
        }
        var projects = context.Scope == FixAllScope.Solution
            ? new[] { context.Project }.Concat(context.Solution.Projects.Where(p => p.Id != context.Project.Id))
            : new[] { context.Project };
        foreach (var project in projects)
        {
            var diagnostics = await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
            if (await FirstKeyAsync(context, diagnostics.Where(d => start is null || d.Location.SourceTree != start)).ConfigureAwait(false) is { } found)
                return found;
        }
        return null;
    }

    private static async Task<string?> FirstKeyAsync(FixAllContext context, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (context.Solution.GetDocument(diagnostic.Location.SourceTree) is not { } owner)
                continue;
            CodeAction? first = null;
            var probe = new CodeFixContext(owner, diagnostic, (action, _) => first ??= action, context.CancellationToken);
            await context.CodeFixProvider.RegisterCodeFixesAsync(probe).ConfigureAwait(false);
            if (first?.EquivalenceKey is { } key)
                return key;
        }
        return null;
    }

    // The fix-all's own findings, handed on to the keyed fix-all.
    private sealed class ForwardedDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly FixAllContext _context;

        public ForwardedDiagnostics(FixAllContext context) => _context = context;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            await _context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await _context.GetProjectDiagnosticsAsync(project).ConfigureAwait(false);

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await _context.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
    }
}

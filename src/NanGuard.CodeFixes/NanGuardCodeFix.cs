using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.CodeFixes;

/// <summary>What a fix needs to rebuild code: the document, its tree and model, and TorchSharp's symbols.</summary>
internal sealed class FixContext
{
    public FixContext(Document document, SyntaxNode root, SemanticModel model, TorchSymbols symbols, CancellationToken cancellationToken)
    {
        Document = document;
        Root = root;
        Model = model;
        Symbols = symbols;
        CancellationToken = cancellationToken;
    }

    public Document Document { get; }
    public SyntaxNode Root { get; }
    public SemanticModel Model { get; }
    public TorchSymbols Symbols { get; }
    public CancellationToken CancellationToken { get; }

    /// <summary>A code action that replaces <paramref name="node"/> with <paramref name="replacement"/>, keeping its trivia.</summary>
    public CodeAction Replace(string title, string equivalenceKey, SyntaxNode node, SyntaxNode replacement)
    {
        var document = Document;
        var root = Root;
        var newNode = replacement.WithTriviaFrom(node).WithAdditionalAnnotations(Formatter.Annotation);
        return CodeAction.Create(
            title,
            cancellationToken => AddImportsAsync(document.WithSyntaxRoot(root.ReplaceNode(node, newNode)), cancellationToken),
            equivalenceKey);
    }

    /// <summary>
    /// True where <paramref name="expression"/>, written at <paramref name="position"/>, binds to a method: a fix
    /// writes only calls the referenced TorchSharp really has (an older or trimmed build may lack them).
    /// </summary>
    public bool Binds(SyntaxNode expression, int position) =>
        expression is Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax written
        && Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetSpeculativeSymbolInfo(
            Model, position, written, SpeculativeBindingOption.BindAsExpression).Symbol is IMethodSymbol;

    /// <summary>A code action that applies <paramref name="change"/> to the root.</summary>
    public CodeAction Change(string title, string equivalenceKey, System.Func<SyntaxNode, SyntaxNode> change)
    {
        var document = Document;
        var root = Root;
        return CodeAction.Create(
            title,
            cancellationToken => AddImportsAsync(document.WithSyntaxRoot(change(root)), cancellationToken),
            equivalenceKey);
    }

    /// <summary>Adds a using for each name a fix marked with <see cref="Simplifier.AddImportsAnnotation"/>; the
    /// simplifier then shortens the name. Fixes that mark nothing are left as they are.</summary>
    private static Task<Document> AddImportsAsync(Document document, CancellationToken cancellationToken) =>
        ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken);
}

/// <summary>
/// The base of NanGuard's code fixes: fix-all through the batch fixer, and one place that loads the document,
/// its model and TorchSharp's symbols before a rule's fix decides what to offer. A fix that cannot rebuild the code
/// safely offers nothing.
/// </summary>
public abstract class NanGuardCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || TorchSymbols.TryCreate(model.Compilation) is not { } symbols)
            return;

        var fix = new FixContext(context.Document, root, model, symbols, cancellationToken);
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var action in CreateFixes(fix, diagnostic))
                context.RegisterCodeFix(action, diagnostic);
        }
    }

    internal abstract IEnumerable<CodeAction> CreateFixes(FixContext context, Diagnostic diagnostic);
}

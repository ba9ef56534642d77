using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.CodeFixes;

/// <summary>
/// NanGuard.Runtime's entry points, for the fixes that call them. They are offered only where the project references
/// the runtime (its type and method resolve in the compilation), so a fix never writes a call that does not bind.
/// </summary>
internal static class RuntimeApi
{
    /// <summary>The suffix of every equivalence key of a fix that calls a stable op.</summary>
    public const string StableOpKey = ".StableOp";

    /// <summary><c>NanGuard.Runtime.GuardedStep</c>, where the project references the runtime and it has <paramref name="method"/>.</summary>
    public static INamedTypeSymbol? GuardedStep(Compilation compilation, string method = "ClipAndStep") =>
        Find(compilation, "NanGuard.Runtime.GuardedStep", method);

    /// <summary>
    /// The guarded step made visible: <c>if (call is { Stepped: false } name) Console.Error.WriteLine($"NanGuard:
    /// optimizer step {name}");</c>, so that a skipped step prints what <c>GuardedStepResult</c> says of it (skipped,
    /// the norm, the first gradient that was not finite) instead of passing unseen. Null where the compilation has no
    /// <c>System.Console</c> to write with.
    /// </summary>
    /// <param name="compilation">The compilation the statement goes into.</param>
    /// <param name="guardedCall">The <c>GuardedStep.ClipAndStep(...)</c> call.</param>
    /// <param name="name">A name for the result, free where the statement goes (the pattern variable's scope is the enclosing block).</param>
    /// <param name="tree">The tree the statement goes into: its language version picks the pattern.</param>
    public static StatementSyntax? VisibleGuardedStep(Compilation compilation, ExpressionSyntax guardedCall, string name, SyntaxTree tree)
    {
        if (compilation.GetTypeByMetadataName("System.Console") is not { } console)
            return null;
        // A property pattern needs C# 8; before it, a var pattern says the same.
        var condition = tree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp8 }
            ? $"GuardedCall is var {name} && !{name}.Stepped"
            : $"GuardedCall is {{ Stepped: false }} {name}";
        var statement = (IfStatementSyntax)SyntaxFactory.ParseStatement(
            $"if ({condition}) Console.Error.WriteLine($\"NanGuard: optimizer step {{{name}}}\");");
        var placeholder = statement.Condition.DescendantNodes().OfType<IdentifierNameSyntax>().First(n => n.Identifier.ValueText == "GuardedCall");
        var consoleName = statement.Statement.DescendantNodes().OfType<IdentifierNameSyntax>().First(n => n.Identifier.ValueText == "Console");
        statement = statement.ReplaceNodes(new SyntaxNode[] { placeholder, consoleName }, (original, _) => original == placeholder ? guardedCall : TorchSyntax.TypeName(console));
        // The message on a line of its own, indented under the if (elastic: the formatter writes the file's newline).
        return statement.WithStatement(statement.Statement.WithLeadingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
    }

    /// <summary>
    /// A code action that writes <c>StableOps.method(arguments)</c> in place of <paramref name="node"/>, or null where
    /// the project does not reference the runtime.
    /// </summary>
    public static FixAction? StableOp(FixContext context, string id, string title, SyntaxNode node, string method, params ArgumentSyntax[] arguments) =>
        Find(context.Model.Compilation, "NanGuard.Runtime.StableOps", method) is { } stableOps
            ? context.Replace(title, id + StableOpKey, node, TorchSyntax.Call(TorchSyntax.TypeName(stableOps), method, arguments))
            : null;

    private static INamedTypeSymbol? Find(Compilation compilation, string type, string method) =>
        compilation.GetTypeByMetadataName(type) is { } symbol && !symbol.GetMembers(method).IsEmpty ? symbol : null;
}

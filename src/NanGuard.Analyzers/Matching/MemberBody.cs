using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Matching;

/// <summary>The member declaration a piece of code stands in: where its locals live and what a rule reads around it.</summary>
internal static class MemberBody
{
    /// <summary>
    /// The member declaration around <paramref name="node"/> (a method, constructor, property or field with its
    /// lambdas and local functions), or for top-level statements the compilation unit: they share their locals.
    /// </summary>
    public static SyntaxNode? Around(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is GlobalStatementSyntax)
                return ancestor.Parent;
            if (ancestor is MemberDeclarationSyntax and not BaseTypeDeclarationSyntax)
                return ancestor;
        }
        return null;
    }
}

using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Matching;

/// <summary>The statements that run in sequence with a statement: its block, switch section, or the top-level statements.</summary>
internal static class StatementList
{
    /// <summary>The statements after <paramref name="statement"/> in its list, in order; none for an embedded statement.</summary>
    public static IEnumerable<StatementSyntax> Following(StatementSyntax statement) =>
        Of(statement).SkipWhile(s => s != statement).Skip(1);

    /// <summary>The statement list holding <paramref name="statement"/>, or nothing for an embedded statement.</summary>
    public static IEnumerable<StatementSyntax> Of(StatementSyntax statement) => statement.Parent switch
    {
        BlockSyntax block => block.Statements,
        SwitchSectionSyntax section => section.Statements,
        GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } => unit.Members.OfType<GlobalStatementSyntax>().Select(g => g.Statement),
        _ => Enumerable.Empty<StatementSyntax>(),
    };
}

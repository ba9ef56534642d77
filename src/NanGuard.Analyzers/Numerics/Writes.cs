using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// The writes of a local that can reach one of its reads, read off the syntax: the last write in a statement that
/// comes before the read in a block around it, every write nested between that one and the read (a branch may take
/// it), and, in a loop, the writes after the read in the same loop (the next iteration reads them). A write that the
/// read is part of (<c>x = (x - m) / s</c>) happens after the read.
/// </summary>
internal static class LocalWrites
{
    /// <summary>The values that can reach <paramref name="read"/> (null for a write whose value is not an expression:
    /// a compound assignment, a deconstruction, an out or ref argument), or null where the writes cannot be read off.</summary>
    public static IReadOnlyList<IOperation?>? Reaching(ILocalReferenceOperation read, SemanticModel model, Session session)
    {
        var local = read.Local;
        if (local.IsRef || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax declarator
            || declarator.SyntaxTree != model.SyntaxTree)
            return null;
        var writes = new List<(SyntaxNode Statement, int Position, ExpressionSyntax? Value)>();
        if (declarator.Initializer is { } initializer)
            writes.Add((declarator.Ancestors().First(a => a is StatementSyntax), declarator.SpanStart, initializer.Value));
        foreach (var identifier in ValueFlow.WritesOf(local, model, session))
            writes.Add((identifier.Ancestors().FirstOrDefault(a => a is StatementSyntax) ?? identifier, identifier.SpanStart, AssignedValue(identifier)));

        var reaching = Reach(writes, read.Syntax, declarator, declarator.Parent?.Parent?.Parent);
        return reaching.Count == 0 ? null : reaching.Select(w => w.Value is null ? null : model.GetOperation(w.Value)).ToList();
    }

    /// <summary>
    /// The writes of a parameter of a method or local function that can reach <paramref name="read"/>, as for a local,
    /// and whether the value the caller passed (the parameter as the method was entered) can reach it too; null where
    /// the writes cannot be read off (a ref or out parameter, a lambda's).
    /// </summary>
    public static (IReadOnlyList<IOperation?> Writes, bool Entry)? Reaching(IParameterReferenceOperation read, SemanticModel model, Session session)
    {
        var parameter = read.Parameter;
        if (parameter.RefKind != RefKind.None || parameter.DeclaringSyntaxReferences.Length != 1
            || parameter.DeclaringSyntaxReferences[0].GetSyntax() is not ParameterSyntax declaration || declaration.SyntaxTree != model.SyntaxTree
            || declaration.Parent?.Parent is not { } function || function is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax))
            return null;
        // The value passed is a write at the parameter itself: before every read, dominating none.
        var writes = new List<(SyntaxNode Statement, int Position, ExpressionSyntax? Value)> { (declaration, declaration.SpanStart, null) };
        foreach (var identifier in ValueFlow.WritesOf(parameter, model, session))
            writes.Add((identifier.Ancestors().FirstOrDefault(a => a is StatementSyntax) ?? identifier, identifier.SpanStart, AssignedValue(identifier)));
        var reaching = Reach(writes, read.Syntax, declaration, function.Parent);
        return (reaching.Where(w => w.Statement != declaration).Select(w => w.Value is null ? null : model.GetOperation(w.Value)).ToList(),
            reaching.Any(w => w.Statement == declaration));
    }

    // The writes that reach the read, of those of a variable declared at declarator whose scope ends at scopeEnd.
    private static List<(SyntaxNode Statement, int Position, ExpressionSyntax? Value)> Reach(
        List<(SyntaxNode Statement, int Position, ExpressionSyntax? Value)> writes, SyntaxNode readSyntax, SyntaxNode declarator, SyntaxNode? scopeEnd)
    {
        var position = readSyntax.SpanStart;
        var capturedElsewhere = IsInsideFunctionOf(readSyntax, declarator);
        var reaching = new List<(SyntaxNode Statement, int Position, ExpressionSyntax? Value)>();
        if (capturedElsewhere)
        {
            reaching.AddRange(writes);
        }
        else
        {
            var before = writes.Where(w => w.Position < position && !Contains(w, readSyntax)).OrderBy(w => w.Position).ToList();
            var dominating = before.LastOrDefault(w => w.Statement.Parent is { } block && block.Span.Contains(readSyntax.Span)
                && !w.Statement.Span.Contains(readSyntax.Span));
            reaching.AddRange(before.Where(w => dominating.Statement is null || w.Position >= dominating.Position));
            foreach (var loop in readSyntax.Ancestors().TakeWhile(a => a != scopeEnd))
            {
                if (ValueFlow.IsLoop(loop))
                    reaching.AddRange(writes.Where(w => w.Position > position && loop.Span.Contains(w.Position) || Contains(w, readSyntax) && loop.Span.Contains(w.Position)));
            }
        }
        return reaching;
    }

    private static bool Contains((SyntaxNode Statement, int Position, ExpressionSyntax? Value) write, SyntaxNode read) =>
        write.Value is not null && write.Value.Span.Contains(read.Span);

    // A read in a lambda or local function declared after the local can run after any of its writes.
    private static bool IsInsideFunctionOf(SyntaxNode read, SyntaxNode declarator)
    {
        foreach (var ancestor in read.Ancestors())
        {
            if (ancestor.Span.Contains(declarator.Span))
                return false;
            if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                return true;
        }
        return false;
    }

    // The value a simple assignment writes; null for any other write.
    private static ExpressionSyntax? AssignedValue(IdentifierNameSyntax identifier)
    {
        SyntaxNode target = identifier;
        if (target.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == identifier)
            target = access;
        return target.Parent is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Left == target
            ? assignment.Right
            : null;
    }
}

/// <summary>The values a field or an auto-property is given in its type: its initializer and its assignments.</summary>
internal static class MemberWrites
{
    public static ImmutableArray<IOperation> Of(ISymbol member, Session session)
    {
        var values = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax();
            var model = session.ModelOf(declaration.SyntaxTree);
            switch (declaration)
            {
                case VariableDeclaratorSyntax { Initializer.Value: { } initializer } when !IsPlaceholder(initializer):
                    Add(model, initializer, values);
                    break;
                case PropertyDeclarationSyntax { ExpressionBody.Expression: { } arrow }:
                    Add(model, arrow, values);
                    return values.ToImmutable();
                case PropertyDeclarationSyntax { AccessorList: { } accessors } property:
                    var getter = accessors.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration));
                    if (getter?.ExpressionBody is { } getterArrow)
                    {
                        Add(model, getterArrow.Expression, values);
                        return values.ToImmutable();
                    }
                    if (getter?.Body is { } body)
                    {
                        foreach (var returned in body.DescendantNodes().OfType<ReturnStatementSyntax>())
                        {
                            if (returned.Expression is { } expression)
                                Add(model, expression, values);
                        }
                        return values.ToImmutable();
                    }
                    if (property.Initializer?.Value is { } propertyInitializer)
                        Add(model, propertyInitializer, values);
                    break;
            }
        }
        if (member.ContainingType is not { } type)
            return values.ToImmutable();
        foreach (var typeReference in type.DeclaringSyntaxReferences)
        {
            var typeDeclaration = typeReference.GetSyntax();
            if (typeDeclaration.SyntaxTree.GetText().ToString().IndexOf(member.Name, System.StringComparison.Ordinal) < 0)
                continue;
            var model = session.ModelOf(typeDeclaration.SyntaxTree);
            foreach (var assignment in typeDeclaration.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || NameOf(assignment.Left) != member.Name)
                    continue;
                if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left).Symbol?.OriginalDefinition, member))
                    Add(model, assignment.Right, values);
            }
        }
        return values.ToImmutable();
    }

    // A field initializer that only holds the place until a method assigns the real value: null, default, an empty
    // tensor. It computes nothing the field is read for.
    private static bool IsPlaceholder(ExpressionSyntax initializer)
    {
        while (initializer is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed)
            initializer = suppressed.Operand;
        return initializer is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } or LiteralExpressionSyntax { RawKind: (int)SyntaxKind.DefaultLiteralExpression } or DefaultExpressionSyntax
            || initializer is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "empty" } };
    }

    private static string? NameOf(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
        _ => null,
    };

    private static void Add(SemanticModel model, ExpressionSyntax expression, ImmutableArray<IOperation>.Builder values)
    {
        if (model.GetOperation(expression) is { } value)
            values.Add(value);
    }
}

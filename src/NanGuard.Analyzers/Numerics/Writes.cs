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
        if (WritesOf(read.Local, model, session) is not { } list)
            return null;
        var reaching = new List<IOperation?>();
        foreach (var write in Reach(list, read.Syntax))
            reaching.Add(write.Value);
        return reaching.Count == 0 ? null : reaching;
    }

    /// <summary>
    /// The writes of a parameter of a method or local function that can reach <paramref name="read"/>, as for a local,
    /// and whether the value the caller passed (the parameter as the method was entered) can reach it too; null where
    /// the writes cannot be read off (a ref or out parameter, a lambda's).
    /// </summary>
    public static (IReadOnlyList<IOperation?> Writes, bool Entry)? Reaching(IParameterReferenceOperation read, SemanticModel model, Session session)
    {
        if (WritesOf(read.Parameter, model, session) is not { } list)
            return null;
        var writes = new List<IOperation?>();
        var entry = false;
        foreach (var write in Reach(list, read.Syntax))
        {
            if (write.IsEntry)
                entry = true;
            else
                writes.Add(write.Value);
        }
        return (writes, entry);
    }

    // The writes of a variable that reach a read: the last write in a statement that comes before the read in a block
    // around it and the writes after it up to the read, every write before the read where the read is in a lambda or
    // local function declared after the variable, and the writes later in a loop around the read.
    private static List<Write> Reach(WriteList list, SyntaxNode readSyntax)
    {
        var writes = list.Writes;
        var position = readSyntax.SpanStart;
        var reaching = new List<Write>();
        if (IsInsideFunctionOf(readSyntax, list.Declaration))
        {
            reaching.AddRange(writes);
            return reaching;
        }
        // The writes before the read, from the last one in a statement of a block around the read (it runs whenever
        // the read does) on; any nested write between that one and the read may be the one taken.
        var first = -1;
        var last = -1;
        for (var i = 0; i < writes.Length && writes[i].Position < position; i++)
        {
            if (Contains(writes[i], readSyntax))
                continue;
            last = i;
            if (writes[i].Statement.Parent is { } block && block.Span.Contains(readSyntax.Span) && !writes[i].Statement.Span.Contains(readSyntax.Span))
                first = i;
        }
        for (var i = first < 0 ? 0 : first; i <= last; i++)
        {
            if (!Contains(writes[i], readSyntax))
                reaching.Add(writes[i]);
        }
        // In a loop, the writes after the read in the same loop, and one the read is part of, reach the next iteration.
        foreach (var loop in readSyntax.Ancestors())
        {
            if (loop == list.ScopeEnd)
                break;
            if (!ValueFlow.IsLoop(loop))
                continue;
            foreach (var write in writes)
            {
                if ((write.Position > position || Contains(write, readSyntax)) && loop.Span.Contains(write.Position))
                    reaching.Add(write);
            }
        }
        return reaching;
    }

    // A local's writes in source order (its initializer first), each with the statement it is in and its value, found
    // once per local and session; null where they cannot be read off (a ref local, a local of another kind of declaration).
    private static WriteList? WritesOf(ILocalSymbol local, SemanticModel model, Session session)
    {
        if (session.VariableWriteLists.TryGetValue(local, out var known))
            return known as WriteList;
        object list = local.IsRef || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax declarator
            || declarator.SyntaxTree != model.SyntaxTree
                ? false
                : new WriteList(declarator, declarator.Parent?.Parent?.Parent, ListWrites(local, declarator.Initializer is { } initializer
                    ? new Write(declarator.Ancestors().First(a => a is StatementSyntax), declarator.SpanStart, initializer.Value, model.GetOperation(initializer.Value))
                    : null, model, session));
        return session.VariableWriteLists.GetOrAdd(local, list) as WriteList;
    }

    // A parameter's writes in source order, the value passed first: a write at the parameter itself, before every read
    // and dominating none. Null for a ref or out parameter, or a lambda's.
    private static WriteList? WritesOf(IParameterSymbol parameter, SemanticModel model, Session session)
    {
        if (session.VariableWriteLists.TryGetValue(parameter, out var known))
            return known as WriteList;
        object list = parameter.RefKind != RefKind.None || parameter.DeclaringSyntaxReferences.Length != 1
            || parameter.DeclaringSyntaxReferences[0].GetSyntax() is not ParameterSyntax declaration || declaration.SyntaxTree != model.SyntaxTree
            || declaration.Parent?.Parent is not { } function || function is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax)
                ? false
                : new WriteList(declaration, function.Parent, ListWrites(parameter, new Write(declaration, declaration.SpanStart, null, null, isEntry: true), model, session));
        return session.VariableWriteLists.GetOrAdd(parameter, list) as WriteList;
    }

    private static ImmutableArray<Write> ListWrites(ISymbol variable, Write? declared, SemanticModel model, Session session)
    {
        var writes = new List<Write>();
        if (declared is { } first)
            writes.Add(first);
        foreach (var identifier in ValueFlow.WritesOf(variable, model, session))
        {
            var value = AssignedValue(identifier);
            writes.Add(new Write(identifier.Ancestors().FirstOrDefault(a => a is StatementSyntax) ?? identifier, identifier.SpanStart,
                value, value is null ? null : model.GetOperation(value)));
        }
        writes.Sort((a, b) => a.Position.CompareTo(b.Position));
        return writes.ToImmutableArray();
    }

    // A variable's writes, with where it is declared and the node its scope ends at (a loop above that holds every
    // write and read alike, and is no loop the read is in).
    private sealed class WriteList
    {
        public WriteList(SyntaxNode declaration, SyntaxNode? scopeEnd, ImmutableArray<Write> writes)
        {
            Declaration = declaration;
            ScopeEnd = scopeEnd;
            Writes = writes;
        }

        public SyntaxNode Declaration { get; }

        public SyntaxNode? ScopeEnd { get; }

        public ImmutableArray<Write> Writes { get; }
    }

    // One write: the statement it is in, where it starts, the expression written (null for a write of another kind or
    // the value a parameter is passed) and its operation, and whether it is that value passed.
    private readonly struct Write
    {
        public Write(SyntaxNode statement, int position, ExpressionSyntax? valueSyntax, IOperation? value, bool isEntry = false)
        {
            Statement = statement;
            Position = position;
            ValueSyntax = valueSyntax;
            Value = value;
            IsEntry = isEntry;
        }

        public SyntaxNode Statement { get; }

        public int Position { get; }

        public ExpressionSyntax? ValueSyntax { get; }

        public IOperation? Value { get; }

        public bool IsEntry { get; }
    }

    private static bool Contains(Write write, SyntaxNode read) =>
        write.ValueSyntax is not null && write.ValueSyntax.Span.Contains(read.Span);

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
            if (session.TextOf(typeDeclaration.SyntaxTree).IndexOf(member.Name, System.StringComparison.Ordinal) < 0)
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

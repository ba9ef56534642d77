using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>
/// Sees through what does not change a value: conversions, parentheses, argument wrappers, and locals that are
/// assigned once (<c>var p = F.softmax(x, 1); ... torch.log(p)</c>).
/// </summary>
internal static class ValueFlow
{
    // Bounds a chain of locals each initialised from the previous one.
    private const int MaxHops = 16;

    /// <summary>The operation that computes the value <paramref name="operation"/> stands for.</summary>
    public static IOperation Unwrap(IOperation operation, Session session) => Follow(operation, session);

    /// <summary>
    /// What <see cref="Unwrap(IOperation, Session)"/> would give if no local on the way were written after its declaration:
    /// the cheap first test of a match. A candidate the caller accepts is confirmed by <see cref="Confirms"/>, which
    /// asks about the writes (a walk of each local's scope, done once per scope) only then.
    /// </summary>
    public static IOperation Peek(IOperation operation) => Follow(operation, writesFrom: null);

    /// <summary>True where <paramref name="candidate"/>, from <see cref="Peek"/>, is what <paramref name="operation"/> stands for.</summary>
    public static bool Confirms(IOperation operation, IOperation candidate, Session session) => Follow(operation, session) == candidate;

    // Unwrap that follows a local only where it is assigned once, and Peek that follows it wherever it has an
    // initializer. Both reach the same operation objects (the semantic model keeps one operation tree per member),
    // so Peek's candidate is confirmed by reference.
    private static IOperation Follow(IOperation operation, Session? writesFrom)
    {
        var current = operation;
        for (var hops = 0; hops < MaxHops; hops++)
        {
            switch (current)
            {
                case IArgumentOperation argument:
                    current = argument.Value;
                    continue;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    continue;
                case ILocalReferenceOperation local when TryGetInitializer(local, writesFrom, out var value):
                    current = value;
                    continue;
                default:
                    return current;
            }
        }
        return current;
    }

    /// <summary>Strips conversions and parentheses only (not locals): the operation as written at this place.</summary>
    public static IOperation SkipConversions(IOperation operation)
    {
        var current = operation;
        while (true)
        {
            switch (current)
            {
                case IArgumentOperation argument:
                    current = argument.Value;
                    break;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    break;
                default:
                    return current;
            }
        }
    }

    /// <summary>The nearest ancestor that is not a conversion, parenthesis or argument wrapper.</summary>
    public static IOperation? ParentValue(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation or IArgumentOperation)
            parent = parent.Parent;
        return parent;
    }

    /// <summary>
    /// True where <paramref name="a"/> and <paramref name="b"/> certainly hold the same value: the same expression
    /// (also reached through locals assigned once), reads of the same unchanged local or parameter, of <c>this</c>, or
    /// of the same field or property of the same instance, or the same pure expression written twice
    /// (<c>(1 - p) * log(1 - p)</c>) over variables that do not change.
    /// </summary>
    public static bool SameValue(IOperation a, IOperation b, Session session)
    {
        var left = Unwrap(a, session);
        var right = Unwrap(b, session);
        if (left.Syntax == right.Syntax)
            return true;
        return (left, right) switch
        {
            (ILocalReferenceOperation x, ILocalReferenceOperation y) =>
                SymbolEqualityComparer.Default.Equals(x.Local, y.Local) && (IsUnchanged(x, session) || AreReadTogether(x, y, session)),
            (IParameterReferenceOperation x, IParameterReferenceOperation y) =>
                SymbolEqualityComparer.Default.Equals(x.Parameter, y.Parameter) && (IsUnchanged(x, session) || AreReadTogether(x, y, session)),
            (IInstanceReferenceOperation, IInstanceReferenceOperation) => true,
            (IFieldReferenceOperation x, IFieldReferenceOperation y) =>
                SymbolEqualityComparer.Default.Equals(x.Field, y.Field) && SameInstance(x.Instance, y.Instance, session),
            (IPropertyReferenceOperation x, IPropertyReferenceOperation y) =>
                x.Arguments.IsEmpty && y.Arguments.IsEmpty
                && SymbolEqualityComparer.Default.Equals(x.Property, y.Property) && SameInstance(x.Instance, y.Instance, session),
            _ => IsPure(left) && IsPure(right) && ReadsOnlyUnchanged(left, session)
                && SyntaxFactory.AreEquivalent(left.Syntax, right.Syntax),
        };
    }

    /// <summary>
    /// True where <paramref name="later"/> certainly sees the value <paramref name="earlier"/> saw: <see cref="SameValue"/>,
    /// or two reads of the same local or parameter where the earlier read's statement runs, in a block around the later
    /// read, before it, and nothing writes the variable from the one read to the other, nor anywhere in a loop around the
    /// later read that the earlier one is outside (<c>x /= t; var m = x.max(1).values; var e = (x - m).exp();</c>).
    /// </summary>
    public static bool SameValueSince(IOperation earlier, IOperation later, Session session)
    {
        if (SameValue(earlier, later, session))
            return true;
        var (first, second) = (Unwrap(earlier, session), Unwrap(later, session));
        var symbol = (first, second) switch
        {
            (ILocalReferenceOperation x, ILocalReferenceOperation y) when !x.Local.IsRef
                && SymbolEqualityComparer.Default.Equals(x.Local, y.Local) => (ISymbol)x.Local,
            (IParameterReferenceOperation x, IParameterReferenceOperation y) when x.Parameter.RefKind == RefKind.None
                && SymbolEqualityComparer.Default.Equals(x.Parameter, y.Parameter) => x.Parameter,
            _ => null,
        };
        var (a, b) = (first.Syntax, second.Syntax);
        if (symbol is null || first.SemanticModel is not { } model || symbol.DeclaringSyntaxReferences.Length != 1
            || a.SyntaxTree != b.SyntaxTree || a.SpanStart >= b.SpanStart)
            return false;
        // The earlier read's statement, a statement of a block around the later read: it runs first whenever that does.
        var statement = a.Ancestors().TakeWhile(n => !IsFunction(n)).OfType<StatementSyntax>()
            .FirstOrDefault(s => s.Parent is BlockSyntax block && block.Span.Contains(b.Span) && !s.Span.Contains(b.Span));
        if (statement?.Parent is not BlockSyntax around || b.Ancestors().TakeWhile(n => n != around).Any(IsFunction)
            || around.DescendantNodes().Any(n => n is GotoStatementSyntax or LabeledStatementSyntax))
            return false;
        var loops = b.Ancestors().TakeWhile(n => n != around)
            .Where(IsLoop).ToList();
        var function = a.Ancestors().FirstOrDefault(IsFunction);
        foreach (var write in WritesOf(symbol, model, session))
        {
            // A write in a lambda or local function can run whenever it is called.
            if (write.SpanStart > a.Span.End && write.SpanStart < b.SpanStart || loops.Any(loop => loop.Span.Contains(write.Span))
                || write.Ancestors().FirstOrDefault(IsFunction) != function)
                return false;
        }
        return true;
    }

    /// <summary>A method, accessor, local function or lambda: code that runs when called, not where it is written.</summary>
    public static bool IsFunction(SyntaxNode node) =>
        node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax;

    /// <summary>A for, foreach, while or do loop.</summary>
    public static bool IsLoop(SyntaxNode node) =>
        node is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax;

    /// <summary>
    /// An expression that reads only locals, parameters, fields, literals and tensor operators, so that writing it
    /// twice computes the same value twice and calls nothing with a side effect.
    /// </summary>
    public static bool IsPure(IOperation operation)
    {
        foreach (var part in OperationTree.AndSelf(operation))
        {
            switch (part)
            {
                case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                    or IInstanceReferenceOperation or ILiteralOperation or IConversionOperation or IParenthesizedOperation
                    or IBinaryOperation or IUnaryOperation:
                    continue;
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty:
                    continue;
                default:
                    if (part.ConstantValue.HasValue)
                        continue;
                    return false;
            }
        }
        return true;
    }

    // Two reads of a local in one statement that writes the local only as the target of its outermost assignment
    // (x = (x - x.mean()) / x.std()) see the same value: the write happens after both.
    private static bool AreReadTogether(IOperation x, IOperation y, Session session)
    {
        var symbol = x switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (x.SemanticModel is not { } model || symbol is null || symbol.DeclaringSyntaxReferences.Length != 1)
            return false;
        var statement = x.Syntax.Ancestors().FirstOrDefault(a => a is StatementSyntax);
        if (statement is null || statement != y.Syntax.Ancestors().FirstOrDefault(a => a is StatementSyntax))
            return false;
        var target = statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment } ? assignment.Left : null;
        return WritesOf(symbol, model, session).All(write => !statement.Span.Contains(write.Span) || write == target);
    }

    private static bool SameInstance(IOperation? a, IOperation? b, Session session) =>
        a is null ? b is null : b is not null && SameValue(a, b, session);

    // A variable written between two reads could hold another value at each.
    private static bool IsUnchanged(IOperation read, Session session) => read switch
    {
        ILocalReferenceOperation local => read.SemanticModel is { } model && !IsReassigned(local.Local, model, session),
        IParameterReferenceOperation parameter => read.SemanticModel is { } model && !IsReassigned(parameter.Parameter, model, session),
        _ => true,
    };

    private static bool ReadsOnlyUnchanged(IOperation operation, Session session)
    {
        foreach (var part in OperationTree.AndSelf(operation))
        {
            if (!IsUnchanged(part, session))
                return false;
        }
        return true;
    }

    // The initializer of a local declared with one; given the session that knows the writes, only where the local is
    // never written again, so that every read of it sees that value.
    private static bool TryGetInitializer(ILocalReferenceOperation reference, Session? writesFrom, out IOperation value)
    {
        value = reference;
        var local = reference.Local;
        if (local.IsRef || local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model)
            return false;
        if (local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator)
            return false;
        if (declarator.SyntaxTree != model.SyntaxTree || writesFrom is not null && IsWrittenAfterDeclaration(local, model, writesFrom))
            return false;
        if (model.GetOperation(initializer) is not { } operation)
            return false;
        value = operation;
        return true;
    }

    /// <summary>True where the local or parameter is assigned anywhere but its declaration.</summary>
    public static bool IsReassigned(ISymbol symbol, SemanticModel model, Session session)
    {
        var declaration = symbol.DeclaringSyntaxReferences.Length == 1
            ? symbol.DeclaringSyntaxReferences[0].GetSyntax()
            : null;
        if (declaration is null || declaration.SyntaxTree != model.SyntaxTree)
            return true;
        return symbol is ILocalSymbol local
            ? local.IsRef || IsWrittenAfterDeclaration(local, model, session)
            : !WritesOf(symbol, model, session).IsEmpty;
    }

    /// <summary>The places a local or a parameter is written after its declaration (assigned, incremented, passed by
    /// ref), bound once per variable and session.</summary>
    public static ImmutableArray<IdentifierNameSyntax> WritesOf(ISymbol variable, SemanticModel model, Session session)
    {
        if (session.WritesOfVariable.TryGetValue(variable, out var known))
            return known;
        var declaration = variable.DeclaringSyntaxReferences[0].GetSyntax();
        var scope = variable is IParameterSymbol ? ScopeOfParameter(declaration) : ScopeOfLocal(declaration);
        var member = MemberOf(scope);
        var writes = ImmutableArray.CreateBuilder<IdentifierNameSyntax>();
        if (WritesInBody(member, model, session) is { } byVariable)
        {
            if (byVariable.TryGetValue(variable, out var found))
                writes.AddRange(found);
        }
        else
        {
            foreach (var identifier in WritesIn(member, session)[variable.Name])
            {
                if (scope.Span.Contains(identifier.Span) && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier).Symbol, variable))
                    writes.Add(identifier);
            }
        }
        return session.WritesOfVariable.GetOrAdd(variable, writes.ToImmutable());
    }

    // The writes of every local and parameter in a member's body, read off its operations once per member: each
    // reference knows its variable, so nothing is bound again. Null where the member has no body operation (a field's
    // initializer, a property's accessors): the syntax is searched instead.
    private static Dictionary<ISymbol, List<IdentifierNameSyntax>>? WritesInBody(SyntaxNode member, SemanticModel model, Session session)
    {
        if (session.WritesByMember.TryGetValue(member, out var known))
            return known as Dictionary<ISymbol, List<IdentifierNameSyntax>>;
        object index = false;
        if (member is BaseMethodDeclarationSyntax && member.SyntaxTree == model.SyntaxTree && model.GetOperation(member) is { } body)
        {
            var byVariable = new Dictionary<ISymbol, List<IdentifierNameSyntax>>(SymbolEqualityComparer.Default);
            foreach (var operation in OperationTree.Under(body))
            {
                var variable = operation switch
                {
                    ILocalReferenceOperation local => (ISymbol)local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (variable is null || operation.Syntax is not IdentifierNameSyntax identifier || !IsWritePosition(identifier))
                    continue;
                if (!byVariable.TryGetValue(variable, out var list))
                    byVariable[variable] = list = new List<IdentifierNameSyntax>();
                list.Add(identifier);
            }
            index = byVariable;
        }
        return session.WritesByMember.GetOrAdd(member, index) as Dictionary<ISymbol, List<IdentifierNameSyntax>>;
    }

    private static bool IsWrittenAfterDeclaration(ILocalSymbol local, SemanticModel model, Session session) =>
        !WritesOf(local, model, session).IsEmpty;

    // The names written in a member (its body, with the lambdas and local functions in it), found by one walk of its
    // syntax and kept for the session (syntax is immutable, so the index never goes stale). Every local and parameter
    // of the member is looked up in it: without it every question about a local walks its method again, quadratic in
    // a method with many locals or many training steps.
    private static ILookup<string, IdentifierNameSyntax> WritesIn(SyntaxNode member, Session session) =>
        session.WriteNamesByMember.GetOrAdd(member, static node => node.DescendantNodes()
            .OfType<IdentifierNameSyntax>()
            .Where(IsWritePosition)
            .ToLookup(identifier => identifier.Identifier.ValueText, System.StringComparer.Ordinal));

    // The member a scope is in: the outermost node under a type or namespace declaration (a method, an accessor's
    // property, a field's initializer), or the file for top-level statements.
    private static SyntaxNode MemberOf(SyntaxNode scope)
    {
        var member = scope;
        foreach (var ancestor in scope.AncestorsAndSelf())
        {
            if (ancestor is BaseTypeDeclarationSyntax or BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
                return ancestor is CompilationUnitSyntax && member is GlobalStatementSyntax ? ancestor : member;
            member = ancestor;
        }
        return member;
    }

    private static bool IsWritePosition(IdentifierNameSyntax identifier)
    {
        SyntaxNode node = identifier;
        // A write through a deconstruction target sits inside tuples on the left of the assignment.
        while (node.Parent is ArgumentSyntax or TupleExpressionSyntax or ParenthesizedExpressionSyntax)
        {
            if (node.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 })
                return true;
            node = node.Parent;
        }
        return node.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == node,
            PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
            PostfixUnaryExpressionSyntax postfix => postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression),
            RefExpressionSyntax => true,
            _ => false,
        };
    }

    private static SyntaxNode ScopeOfLocal(SyntaxNode declarator)
    {
        foreach (var ancestor in declarator.Ancestors())
        {
            if (ancestor is BlockSyntax or SwitchSectionSyntax or ForStatementSyntax or UsingStatementSyntax
                or FixedStatementSyntax or CompilationUnitSyntax)
                return ancestor;
        }
        return declarator.SyntaxTree.GetRoot();
    }

    private static SyntaxNode ScopeOfParameter(SyntaxNode parameter)
    {
        foreach (var ancestor in parameter.Ancestors())
        {
            if (IsFunction(ancestor) || ancestor is TypeDeclarationSyntax)
                return ancestor;
        }
        return parameter.SyntaxTree.GetRoot();
    }
}

using System.Threading;

namespace NanGuard.CodeFixes;

/// <summary>
/// Removes the locals a fix leaves unread: a rewrite to <c>F.cross_entropy(logits, labels)</c> makes the one-hot
/// targets and the probabilities it no longer reads dead, each still computing a tensor. A declaration goes where
/// its local was read before the fix and its name is read nowhere in the file after it, and where its initializer is
/// a TorchSharp computation with no side effect (tensor ops over locals, parameters, fields and literals: softmax,
/// one_hot, log, <c>.to(...)</c>; never an in-place op, a module's forward or a user method). Removing one may leave
/// another unread in turn (the one-hot of the labels only the targets read), so it repeats.
/// </summary>
internal static class DeadLocals
{
    // Enough for the chains fixes leave (labels -> one-hot -> targets); each round is one walk of the file.
    private const int MaxRounds = 4;

    /// <summary><paramref name="changed"/> without the declarations of the locals the change left unread.</summary>
    public static SyntaxNode Remove(SyntaxNode original, SyntaxNode changed, SemanticModel model, Session session, CancellationToken cancellationToken)
    {
        var readBefore = ReadNames(original);
        // The syntax decides who may go; the semantic model (is the initializer a pure TorchSharp computation?) is
        // asked only of a local the change actually left unread, once.
        var candidates = original.DescendantNodes().OfType<VariableDeclaratorSyntax>()
            .Where(declarator => readBefore.Contains(declarator.Identifier.ValueText) && IsRemovable(declarator))
            .Select(declarator => (Name: declarator.Identifier.ValueText, Declarator: declarator))
            .ToList();
        if (candidates.Count == 0)
            return changed;
        var pure = new Dictionary<VariableDeclaratorSyntax, bool>();
        bool IsPure(VariableDeclaratorSyntax declarator)
        {
            if (!pure.TryGetValue(declarator, out var answer))
                pure[declarator] = answer = IsPureTensorComputation(declarator, model, session, cancellationToken);
            return answer;
        }

        for (var round = 0; round < MaxRounds; round++)
        {
            var readAfter = ReadNames(changed);
            candidates.RemoveAll(c => !readAfter.Contains(c.Name) && !IsPure(c.Declarator));
            var dead = candidates.Where(c => !readAfter.Contains(c.Name)).Select(c => c.Name).ToImmutableHashSet();
            if (dead.IsEmpty)
                break;
            var statements = changed.DescendantNodes().OfType<LocalDeclarationStatementSyntax>()
                .Where(statement => statement.Declaration.Variables.Count == 1
                    && dead.Contains(statement.Declaration.Variables[0].Identifier.ValueText)
                    && candidates.Any(c => c.Name == statement.Declaration.Variables[0].Identifier.ValueText
                        && SyntaxFactory.AreEquivalent(c.Declarator, statement.Declaration.Variables[0])))
                .Select(statement => statement.Parent is GlobalStatementSyntax global ? (SyntaxNode)global : statement)
                .ToList();
            if (statements.Count == 0)
                break;
            changed = changed.RemoveNodes(statements, SyntaxRemoveOptions.KeepNoTrivia | SyntaxRemoveOptions.KeepDirectives)!;
            candidates.RemoveAll(c => dead.Contains(c.Name));
        }
        return changed;
    }

    // Every name read in the file: an identifier that is not the one a declaration declares.
    private static HashSet<string> ReadNames(SyntaxNode root) =>
        new(root.DescendantNodes().OfType<IdentifierNameSyntax>().Select(identifier => identifier.Identifier.ValueText), System.StringComparer.Ordinal);

    // `var p = ...;` alone in its declaration: not a using, not a const, not one of several declared together.
    private static bool IsRemovable(VariableDeclaratorSyntax declarator) =>
        declarator.Initializer is not null
        && declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement }
        && statement.UsingKeyword.IsKind(SyntaxKind.None)
        && !statement.IsConst;

    private static bool IsPureTensorComputation(VariableDeclaratorSyntax declarator, SemanticModel model, Session session, CancellationToken cancellationToken) =>
        model.GetOperation(declarator.Initializer!.Value, cancellationToken) is { } value
        && session.IsTensor(value.Type)
        && value.DescendantsAndSelf().All(part => IsPure(part, session));

    private static bool IsPure(IOperation operation, Session session) => operation switch
    {
        IInvocationOperation invocation => session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name)
            && !invocation.TargetMethod.Name.EndsWith("_", System.StringComparison.Ordinal),
        IBinaryOperation binary => binary.OperatorMethod is null || session.IsOperator(binary.OperatorMethod),
        IUnaryOperation unary => unary.OperatorMethod is null || session.IsOperator(unary.OperatorMethod),
        IPropertyReferenceOperation property => property.Arguments.IsEmpty,
        ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IInstanceReferenceOperation
            or ILiteralOperation or IConversionOperation or IParenthesizedOperation or IArgumentOperation
            or IDefaultValueOperation or ITypeOfOperation => true,
        IArrayCreationOperation or IArrayInitializerOperation => true,
        _ => operation.ConstantValue.HasValue,
    };
}

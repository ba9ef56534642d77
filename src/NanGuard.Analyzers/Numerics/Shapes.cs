using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Numerics;

/// <summary>
/// What the code shows of a tensor's shape: the dims it makes size 1 (<c>unsqueeze(d)</c>, a literal 1 in
/// <c>view</c>/<c>reshape</c>), and the rank where the code shows it. Dims are counted from the front (0, 1, ...) or,
/// where the rank is unknown, from the end (-1, -2, ...).
/// </summary>
internal sealed class UnitDims
{
    public static UnitDims None { get; } = new(null, ImmutableHashSet<long>.Empty);

    public UnitDims(int? rank, ImmutableHashSet<long> dims)
    {
        Rank = rank;
        Dims = dims;
    }

    /// <summary>The number of dims, where the code shows it.</summary>
    public int? Rank { get; }

    public ImmutableHashSet<long> Dims { get; }

    public bool IsEmpty => Dims.IsEmpty;

    /// <summary>True where <paramref name="dim"/> (from the front, or from the end where negative) has size 1.</summary>
    public bool HasSizeOne(long dim) =>
        Dims.Contains(dim) || Rank is { } rank && (dim < 0 ? Dims.Contains(rank + dim) : Dims.Contains(dim - rank));

    /// <summary>Dims both know to be size 1: what a value that is either has.</summary>
    public UnitDims Meet(UnitDims other) =>
        new(Rank == other.Rank ? Rank : null, Dims.Intersect(other.Dims));
}

/// <summary>
/// The shape facts: which dims of a tensor the code makes size 1, through the ops of <see cref="Table"/>, locals
/// (the writes that reach a read must all agree) and arithmetic with a constant. Nothing else is known.
/// </summary>
public static class Shapes
{
    private const int MaxDepth = 16;

    private static readonly string[] Unsqueeze = { "unsqueeze", "unsqueeze_" };
    private static readonly string[] View = { "view", "reshape" };
    private static readonly string[] Keep =
    {
        "to", "to_type", "type_as", "float", "double", "half", "bfloat16", "clone", "detach", "detach_", "contiguous", "requires_grad_",
        "relu", "abs", "exp", "log", "sigmoid", "tanh", "square", "sqrt", "neg",
    };

    /// <summary>The shape rows, for docs/ops.md: (family, ops, what they tell of a dim's size).</summary>
    public static IEnumerable<(string Family, IReadOnlyList<string> Ops, string Effect)> Table => new[]
    {
        ("shape: unsqueeze", (IReadOnlyList<string>)Unsqueeze, "dim d has size 1; the input's size-1 dims move past it; a new dim d keeps the last dim where the code reads x.shape[k] or x.size(k), k >= d, before it (x has more than d dims)"),
        ("shape: view, reshape", (IReadOnlyList<string>)View, "with every size written out: the rank, and size 1 wherever a literal 1 is written"),
        ("shape: kept", (IReadOnlyList<string>)Keep, "the input's size-1 dims (casts, copies, elementwise ops; also + - * / with a constant)"),
        ("shape: sizes", (IReadOnlyList<string>)new[] { "shape[k]" }, "a number of at least 1 (a tensor with no elements holds no value to be NaN), unless a boolean selection makes shape[0] a count; a non-negative tensor divided by it stays non-negative, 0 only where it was"),
    };

    /// <summary>The dims of <paramref name="operation"/>'s value the code makes size 1.</summary>
    internal static UnitDims Of(IOperation operation, Session session) => Of(operation, session, 0);

    /// <summary>
    /// True where the code reads <c>x.shape[k]</c> or <c>x.size(k)</c>, for a k of at least <paramref name="dims"/>, of the
    /// variable <paramref name="operation"/> reads, holding the same value: in the same statement, or in a statement
    /// before it in a block around it, where nothing on the way skips the read (a conditional, a short-circuit, a lambda).
    /// The read throws on a tensor of <paramref name="dims"/> dims or fewer, so the tensor has more.
    /// </summary>
    internal static bool HasMoreDimsThan(IOperation operation, long dims, Session session)
    {
        var read = ValueFlow.SkipConversions(operation);
        if (read is not (ILocalReferenceOperation or IParameterReferenceOperation) || read.SemanticModel is not { } model || dims < 0)
            return false;
        var use = read.Syntax;
        var function = use.Ancestors().FirstOrDefault(ValueFlow.IsFunction);
        var unit = Unit(use);
        if (function is null || unit is null)
            return false;
        foreach (var node in function.DescendantNodes(n => n == function || !ValueFlow.IsFunction(n)))
        {
            if (node is not (ElementAccessExpressionSyntax or InvocationExpressionSyntax) || node.SyntaxTree != model.SyntaxTree
                || DimRead(model.GetOperation(node), session) is not { } shown || shown.Dim < dims
                || !AlwaysRuns(node, out var readUnit))
                continue;
            if (readUnit == unit ? ValueFlow.SameValue(shown.Tensor, read, session)
                : Precedes(readUnit, use) && ValueFlow.SameValueSince(shown.Tensor, read, session))
                return true;
        }
        return false;
    }

    // x.shape[k] or x.size(k), with k a constant from the front: (x, k).
    private static (IOperation Tensor, long Dim)? DimRead(IOperation? operation, Session session)
    {
        switch (operation)
        {
            case IArrayElementReferenceOperation { ArrayReference: IPropertyReferenceOperation { Property.Name: "shape", Instance: { } tensor }, Indices: { Length: 1 } indices }
                when tensor.Type?.Name == "Tensor" && NumericPatterns.Constant(indices[0]) is { } k && k >= 0 && k == System.Math.Floor(k):
                return (ValueFlow.SkipConversions(tensor), (long)k);
            case IInvocationOperation { TargetMethod.Name: "size" } invocation when session.IsOp(invocation.TargetMethod, "size")
                && new TorchCall(invocation) is { Input: { } tensor } call && call.IntegerArgument("dim") is { } k && k >= 0:
                return (tensor, k);
            default:
                return null;
        }
    }

    // The statement (or expression body) a node runs in, and whether it runs whenever that completes: nothing between
    // them chooses whether it runs.
    private static bool AlwaysRuns(SyntaxNode node, out SyntaxNode? unit)
    {
        unit = null;
        var child = node;
        foreach (var parent in node.Ancestors())
        {
            if (parent is StatementSyntax or ArrowExpressionClauseSyntax)
            {
                unit = parent;
                return parent is ExpressionStatementSyntax or LocalDeclarationStatementSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax;
            }
            var chooses = parent switch
            {
                ConditionalExpressionSyntax conditional => child != conditional.Condition,
                BinaryExpressionSyntax binary => binary.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression or SyntaxKind.CoalesceExpression
                    && child == binary.Right,
                AssignmentExpressionSyntax assignment => assignment.Kind() == SyntaxKind.CoalesceAssignmentExpression,
                ConditionalAccessExpressionSyntax access => child != access.Expression,
                SwitchExpressionSyntax or SwitchExpressionArmSyntax or AnonymousFunctionExpressionSyntax or QueryExpressionSyntax => true,
                _ => false,
            };
            if (chooses)
                return false;
            child = parent;
        }
        return false;
    }

    private static SyntaxNode? Unit(SyntaxNode node) =>
        node.Ancestors().TakeWhile(n => !ValueFlow.IsFunction(n)).FirstOrDefault(n => n is StatementSyntax or ArrowExpressionClauseSyntax);

    // A statement of a block around the use, before it, in a block without jumps into it.
    private static bool Precedes(SyntaxNode? statement, SyntaxNode use) =>
        statement?.Parent is BlockSyntax block && block.Span.Contains(use.Span) && statement.Span.End <= use.SpanStart
        && !use.Ancestors().TakeWhile(n => n != block).Any(ValueFlow.IsFunction)
        && !block.DescendantNodes().Any(n => n is GotoStatementSyntax or LabeledStatementSyntax);

    private static UnitDims Of(IOperation operation, Session session, int depth)
    {
        if (depth > MaxDepth)
            return UnitDims.None;
        switch (operation)
        {
            case IArgumentOperation argument:
                return Of(argument.Value, session, depth + 1);
            case IConversionOperation conversion:
                return Of(conversion.Operand, session, depth + 1);
            case IParenthesizedOperation parenthesized:
                return Of(parenthesized.Operand, session, depth + 1);
            case ILocalReferenceOperation read when read.SemanticModel is { } model:
                if (LocalWrites.Reaching(read, model, session) is not { Count: > 0 } writes || writes.Any(w => w is null))
                    return UnitDims.None;
                return writes.Select(w => Of(w!, session, depth + 1)).Aggregate((a, b) => a.Meet(b));
            // A parameter written again before the read (x = x.view(...)), where only those writes reach it.
            case IParameterReferenceOperation read when read.SemanticModel is { } model:
                if (LocalWrites.Reaching(read, model, session) is not { Entry: false, Writes: { Count: > 0 } reaching } || reaching.Any(w => w is null))
                    return UnitDims.None;
                return reaching.Select(w => Of(w!, session, depth + 1)).Aggregate((a, b) => a.Meet(b));
            case IBinaryOperation binary when binary.OperatorMethod is { } method && session.IsOperator(method):
                return NumericPatterns.Constant(binary.RightOperand) is not null ? Of(binary.LeftOperand, session, depth + 1)
                    : NumericPatterns.Constant(binary.LeftOperand) is not null ? Of(binary.RightOperand, session, depth + 1)
                    : UnitDims.None;
            case IInvocationOperation invocation when session.IsOp(invocation.TargetMethod, invocation.TargetMethod.Name):
                return Invocation(new TorchCall(invocation), session, depth);
            default:
                return UnitDims.None;
        }
    }

    private static UnitDims Invocation(TorchCall call, Session session, int depth)
    {
        var name = call.Method.Name;
        if (System.Array.IndexOf(Keep, name) >= 0)
            return call.Input is { } kept ? Of(kept, session, depth + 1) : UnitDims.None;
        if (System.Array.IndexOf(View, name) >= 0)
            return call.Argument("shape") is { } shape ? Written(shape) : UnitDims.None;
        if (System.Array.IndexOf(Unsqueeze, name) >= 0 && call.IntegerArgument("dim") is { } dim && call.Input is { } input)
            return Inserted(Of(input, session, depth + 1), dim);
        return UnitDims.None;
    }

    // view(1, -1), reshape(new long[] { b, 1, n }): the rank, and a 1 wherever a literal 1 is written.
    private static UnitDims Written(IArgumentOperation shape)
    {
        if (ValueFlow.SkipConversions(shape.Value) is not IArrayCreationOperation { Initializer.ElementValues: { Length: > 0 } sizes })
            return UnitDims.None;
        var dims = ImmutableHashSet<long>.Empty;
        for (var i = 0; i < sizes.Length; i++)
        {
            if (NumericPatterns.Constant(sizes[i]) == 1)
                dims = dims.Add(i);
        }
        return new UnitDims(sizes.Length, dims);
    }

    // unsqueeze(d): a new dim of size 1 at d; the input's dims at or after it move one on.
    private static UnitDims Inserted(UnitDims input, long dim)
    {
        var rank = input.Rank + 1;
        if (dim < 0 && rank is { } known)
            dim += known;
        if (dim < 0)
            // Counted from the end with the rank unknown: only unsqueeze(-1) leaves the dims counted from the front alone.
            return new UnitDims(null, ImmutableHashSet.Create(dim).Union(dim == -1 ? input.Dims.Where(d => d >= 0) : Enumerable.Empty<long>()));
        var moved = input.Dims.Where(d => d >= 0).Select(d => d >= dim ? d + 1 : d);
        if (rank is null && dim == 0)
            // Dims counted from the end stay where they are when the new one comes first.
            moved = moved.Concat(input.Dims.Where(d => d < 0));
        return new UnitDims(rank, ImmutableHashSet.Create(dim).Union(moved));
    }
}

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1010: <c>torch.sqrt((x * x).sum(d))</c>, <c>x.pow(2).sum(d).sqrt()</c>, <c>.pow(0.5)</c> of such a sum: the gradient
/// of sqrt at 0 is inf, where a norm's backward is 0.
/// </summary>
public sealed class SqrtOfSumOfSquaresAnalyzer : Rule<SqrtOfSumOfSquaresMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.SqrtOfSumOfSquares;

    // The root of a sum of squares is this rule's, with its norm fix: NG1018 says nothing of it.
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.RootAtBoundary);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("sqrt", "pow");

    internal override IEnumerable<SqrtOfSumOfSquaresMatch> Find(IOperation anchor, Session session)
    {
        var root = new TorchCall((IInvocationOperation)anchor);
        if (NumericPatterns.IsSqrtOfSumOfSquares(root, session, out var sum, out var x))
            yield return new SqrtOfSumOfSquaresMatch(root, sum, x);
    }

    internal override object?[] MessageArguments(SqrtOfSumOfSquaresMatch match, Session session) => new object?[]
    {
        match.Root.IsInstanceForm ? "x.norm(dim, keepdim)" : "torch.linalg.vector_norm(x, 2, dims, keepdim)",
    };
}

/// <summary>NG1010's finding: the root (sqrt or pow), the sum of squares, and x.</summary>
public sealed class SqrtOfSumOfSquaresMatch : Match
{
    internal SqrtOfSumOfSquaresMatch(TorchCall root, TorchCall sum, IOperation x)
        : base(root.Invocation)
    {
        Root = root;
        Sum = sum;
        X = x;
    }

    internal TorchCall Root { get; }
    internal TorchCall Sum { get; }
    internal IOperation X { get; }
}

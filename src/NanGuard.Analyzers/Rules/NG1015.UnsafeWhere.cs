namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1015: <c>torch.where(c, f(x), y)</c> where f is unsafe at some x (log, sqrt, a division) that the condition
/// excludes: the branch not taken is still differentiated, and its inf times the zero gradient is NaN. Reported on
/// each unsafe branch.
/// </summary>
public sealed class UnsafeWhereAnalyzer : Rule<UnsafeWhereMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.UnsafeWhere;

    // A log or a division in a branch the where discards is this rule's: the rules of that log or division say
    // nothing of it (one finding, with the double-where fix).
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(
        DiagnosticIds.DivisionByNorm, DiagnosticIds.StandardizationWithoutEps, DiagnosticIds.DivisionByZeroableSum, DiagnosticIds.LogOfZeroable);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("where");

    internal override IEnumerable<UnsafeWhereMatch> Find(IOperation anchor, Session session)
    {
        var where = new TorchCall((IInvocationOperation)anchor);
        if (!NumericPatterns.IsWhere(where, session, out var condition, out var whenTrue, out var whenFalse))
            yield break;
        foreach (var branch in new[] { whenTrue, whenFalse })
        {
            if (NumericPatterns.IsUnsafeBranch(branch, condition, session, out var input, out var op))
                yield return new UnsafeWhereMatch(where, condition, branch, branch == whenTrue, input, op);
        }
    }

    internal override object?[] MessageArguments(UnsafeWhereMatch match, Session session) => new object?[] { match.Op };
}

/// <summary>NG1015's finding: the where, its condition, the unsafe branch and the input the op is unsafe at.</summary>
public sealed class UnsafeWhereMatch : Match
{
    internal UnsafeWhereMatch(TorchCall where, IOperation condition, IOperation branch, bool isWhenTrue, IOperation input, string op)
        : base(where.Invocation)
    {
        Where = where;
        Condition = condition;
        Reported = branch;
        IsWhenTrue = isWhenTrue;
        Input = input;
        Op = op;
        NoFixReason = !Relocation.IsInside(input, branch.Syntax) || !ValueFlow.IsPure(condition) || !ValueFlow.IsPure(input)
            ? "the condition or the unsafe input is not a pure expression written in the where"
            : null;
    }

    internal TorchCall Where { get; }
    internal IOperation Condition { get; }
    internal override IOperation Reported { get; }
    internal bool IsWhenTrue { get; }
    internal IOperation Input { get; }
    internal string Op { get; }
    internal override string? NoFixReason { get; }
}

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1002: <c>-(y * torch.log(F.softmax(x, 1))).sum()</c>, the <c>.sum(1).mean()</c> form and the same over
/// log_softmax. Where the rewrite to cross_entropy would change the value, the rule reports without a fix and says why.
/// </summary>
public sealed class HandWrittenCrossEntropyAnalyzer : Rule<CrossEntropyMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.HandWrittenCrossEntropy;

    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.LogOfSoftmax);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("sum", "mean");

    internal override IEnumerable<CrossEntropyMatch> Find(IOperation anchor, Session session)
    {
        var reduction = (IInvocationOperation)anchor;
        if (session.IsOp(reduction.TargetMethod, reduction.TargetMethod.Name) && CrossEntropyMatcher.TryMatch(reduction, session, out var match))
            yield return match;
    }

    internal override object?[] MessageArguments(CrossEntropyMatch match, Session session) => new object?[]
    {
        match.NoFixReason is { } why ? "no automatic fix: " + why : "use F.cross_entropy on the logits",
    };
}

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1004: <c>F.binary_cross_entropy(torch.sigmoid(x), y)</c> and the hand-written
/// <c>-(y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))</c>.
/// </summary>
public sealed class BinaryCrossEntropyOnProbabilitiesAnalyzer : Rule<BinaryCrossEntropyMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.BinaryCrossEntropyOnProbabilities;

    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.LogOfSigmoid);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) =>
        listens.Invocations("binary_cross_entropy").TensorOperators(BinaryOperatorKind.Add);

    internal override IEnumerable<BinaryCrossEntropyMatch> Find(IOperation anchor, Session session)
    {
        var found = anchor switch
        {
            IInvocationOperation call => BinaryCrossEntropyMatcher.TryMatchCall(call, session, out var match) ? match : null,
            IBinaryOperation sum => BinaryCrossEntropyMatcher.TryMatchHandWritten(sum, session, out var match) ? match : null,
            _ => null,
        };
        if (found is not null)
            yield return found;
    }
}

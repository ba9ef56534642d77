namespace NanGuard.Analyzers.Rules;

/// <summary>NG1009: <c>p * torch.log(p)</c> (an entropy term) and <c>y * log(p)</c> over a probability normalised by hand.</summary>
public sealed class XLogYAnalyzer : Rule<XLogYMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.XLogY;

    // One finding per log: a log NG1009 reports in its product (also through a local), NG1014 leaves alone.
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.LogOfZeroable);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.TensorOperators(BinaryOperatorKind.Multiply);

    internal override IEnumerable<XLogYMatch> Find(IOperation anchor, Session session)
    {
        var product = (IBinaryOperation)anchor;
        if (NumericPatterns.IsXLogY(product, session, out var factor, out var log))
            yield return new XLogYMatch(product, factor, log);
    }
}

/// <summary>NG1009's finding: the product, its factor and its log.</summary>
public sealed class XLogYMatch : Match
{
    internal XLogYMatch(IBinaryOperation product, IOperation factor, TorchCall log)
        : base(product)
    {
        Factor = factor;
        Log = log;
    }

    /// <summary>The product and its log, wherever the log is written.</summary>
    internal override IEnumerable<IOperation> Covers => base.Covers.Concat(new[] { Log.Invocation });

    internal IOperation Factor { get; }
    internal TorchCall Log { get; }
}

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2003: an Adam/AdamW <c>lr</c> (SGD <c>learningRate</c>) literal at or above <c>nanguard.NG2003.lr_threshold</c>,
/// for an optimizer that a training loop steps with no gradient clipping: kept in a local, field or property, passed to
/// a method, or returned by a factory, and stepped in any method of the compilation. Reported on the learning rate, once.
/// </summary>
public sealed class HighLearningRateAnalyzer : Rule<HighLearningRateMatch>
{
    private static readonly ImmutableDictionary<string, string> LearningRateParameter = ImmutableDictionary.CreateRange(new[]
    {
        new KeyValuePair<string, string>("Adam", "lr"),
        new KeyValuePair<string, string>("AdamW", "lr"),
        new KeyValuePair<string, string>("SGD", "learningRate"),
    });

    internal override DiagnosticDescriptor Descriptor => Descriptors.HighLearningRate;

    private protected override Listens Listen(Listens listens) => listens.Invocations(LearningRateParameter.Keys.ToArray());

    internal override IEnumerable<HighLearningRateMatch> Find(IOperation anchor, Session session)
    {
        var construction = (IInvocationOperation)anchor;
        if (!Session.Is(construction.TargetMethod.ContainingType, session.Optim)
            || !session.IsOptimizer(construction.TargetMethod.ReturnType))
            yield break;
        var call = new TorchCall(construction);
        var parameter = LearningRateParameter[construction.TargetMethod.Name];
        if (call.Argument(parameter) is not { } argument || call.NumberArgument(parameter) is not { } lr)
            yield break;
        var threshold = NanGuardOptions.LearningRateThreshold(session.Options, construction.Syntax.SyntaxTree, construction.TargetMethod.Name);
        // Reported here, in the construction's own operation block, even where the loop is in another method or file:
        // the matcher follows the optimizer forward from this call to the steps that read it, so the diagnostic is
        // found whenever this block is analyzed (an IDE's analysis of this file or span included), and never has to be
        // reported from another block or from a compilation-end action, which the IDE shows only on full analysis.
        if (lr >= threshold && OptimizerFlow.ReachesUnclippedStep(construction, session))
            yield return new HighLearningRateMatch(construction, argument.Value, threshold);
    }

    internal override object?[] MessageArguments(HighLearningRateMatch match, Session session) =>
        new object?[] { match.Reported.Syntax.ToString(), NanGuardOptions.ToLiteral(match.Threshold) };
}

/// <summary>NG2003's finding: the optimizer's construction, its learning rate, and the threshold it reaches.</summary>
public sealed class HighLearningRateMatch : Match
{
    internal HighLearningRateMatch(IInvocationOperation construction, IOperation learningRate, double threshold)
        : base(construction)
    {
        Reported = learningRate;
        Threshold = threshold;
    }

    internal override IOperation Reported { get; }
    internal double Threshold { get; }
}

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2003: an optimizer built with a learning-rate literal at or above its family's threshold
/// (<see cref="NanGuardOptions.LearningRateThreshold"/>), by a <c>torch.optim</c> factory (<c>torch.optim.Adam(...)</c>)
/// or a constructor (<c>new AdamW(...)</c>), that a training loop steps with no gradient clipping: kept in a local,
/// field or property, passed to a method, or returned by a factory, and stepped in any method of the compilation.
/// Reported on the learning rate, once. An optimizer with no threshold (none measured, none set) is not reported.
/// </summary>
public sealed class HighLearningRateAnalyzer : Rule<HighLearningRateMatch>
{
    /// <summary>The optimizers of TorchSharp 0.107.0: <c>torch.optim</c>'s factories and <c>TorchSharp.Modules</c>' classes share these names.</summary>
    internal static readonly string[] Optimizers =
    {
        "Adam", "AdamW", "SGD", "RMSProp", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "LBFGS",
    };

    internal override DiagnosticDescriptor Descriptor => Descriptors.HighLearningRate;

    private protected override Listens Listen(Listens listens) => listens.Invocations(Optimizers).Creations(Optimizers);

    internal override IEnumerable<HighLearningRateMatch> Find(IOperation anchor, Session session)
    {
        if (OptimizerRate.Read(anchor, session) is not { } rate
            || NanGuardOptions.LearningRateThreshold(session.Options, anchor.Syntax.SyntaxTree, rate.Optimizer) is not { } threshold)
            yield break;
        // Reported here, in the construction's own operation block, even where the loop is in another method or file:
        // the matcher follows the optimizer forward from this call to the steps that read it, so the diagnostic is
        // found whenever this block is analyzed (an IDE's analysis of this file or span included), and never has to be
        // reported from another block or from a compilation-end action, which the IDE shows only on full analysis.
        if (rate.Value >= threshold && OptimizerFlow.ReachesUnclippedStep(anchor, session))
            yield return new HighLearningRateMatch(anchor, rate, threshold);
    }

    internal override object?[] MessageArguments(HighLearningRateMatch match, Session session) =>
        new object?[] { match.Rate.Text, NanGuardOptions.ToLiteral(match.Threshold), match.Rate.Optimizer };
}

/// <summary>NG2003's finding: the optimizer's construction, its learning rate, and the threshold it reaches.</summary>
public sealed class HighLearningRateMatch : Match
{
    internal HighLearningRateMatch(IOperation construction, OptimizerRate rate, double threshold)
        : base(construction)
    {
        Rate = rate;
        Threshold = threshold;
    }

    internal override IOperation Reported => Rate.Argument.Value;
    internal OptimizerRate Rate { get; }
    internal double Threshold { get; }
}

using System.Globalization;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2001: a training loop that calls <c>loss.backward()</c> and then <c>optimizer.step()</c> with no gradient
/// clipping. A warning where the loop shows a risk (a learning rate at or above the NG2003 threshold, a recurrent
/// module, a loss a numerics rule flags), a suggestion otherwise, so that not every ordinary loop is a warning.
/// </summary>
public sealed class UnclippedStepAnalyzer : Rule<UnclippedStepMatch>
{
    /// <summary>Diagnostic property: the max norm the fix writes, from <c>nanguard.NG2001.max_norm</c>.</summary>
    public const string MaxNormProperty = "MaxNorm";

    internal override DiagnosticDescriptor Descriptor => Descriptors.UnclippedStep;

    internal override bool WeighsHazards => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations("step");

    internal override IEnumerable<UnclippedStepMatch> Find(IOperation anchor, Session session)
    {
        // Clipping anywhere in the loop is NG2005's business when it is misplaced, not an unclipped step.
        if (TrainingLoop.TryFind((IInvocationOperation)anchor, session, out var loop) && loop.Clipping.IsEmpty)
            yield return new UnclippedStepMatch(loop, loop.Step.Instance is { } optimizer ? OptimizerOrigin.Find(optimizer, session) : null);
    }

    internal override void Settle(UnclippedStepMatch match, Session session, Findings findings) =>
        match.Risk = Risk(match, session, findings);

    internal override DiagnosticSeverity? Severity(UnclippedStepMatch match) =>
        match.Risk is null ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning;

    internal override object?[] MessageArguments(UnclippedStepMatch match, Session session) =>
        new object?[] { match.Risk is null ? "" : " (" + match.Risk + ")" };

    internal override ImmutableDictionary<string, string?>? Properties(UnclippedStepMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(
            MaxNormProperty, NanGuardOptions.ToLiteral(NanGuardOptions.MaxNorm(session.Options, match.Anchor.Syntax.SyntaxTree)));

    internal override IEnumerable<Location> AdditionalLocations(UnclippedStepMatch match) =>
        new[] { match.Loop.Backward.Syntax.GetLocation() };

    /// <summary>What makes this loop likely to diverge, in words for the message, or null for an ordinary loop.</summary>
    private static string? Risk(UnclippedStepMatch match, Session session, Findings findings)
    {
        var (loop, origin) = (match.Loop, match.Origin);
        if (origin?.LearningRate is { } lr
            && lr >= NanGuardOptions.LearningRateThreshold(session.Options, loop.Step.Syntax.SyntaxTree, origin.Name))
            return string.Format(CultureInfo.InvariantCulture, "{0} at learning rate {1}", origin.Name, lr);
        if (origin?.Module is { } module && HoldsRecurrentModule(module.Type, session))
            return "the model has a recurrent layer";
        if (loop.Backward.Instance is { } loss && findings.HazardIn(loss, session) is { } hazard)
            return "the loss is numerically unstable, " + hazard;
        return null;
    }

    private static bool HoldsRecurrentModule(ITypeSymbol? model, Session session)
    {
        if (session.IsRecurrentModule(model))
            return true;
        if (model is null || !session.IsModule(model))
            return false;
        for (var type = model; type is not null && type.ContainingAssembly is { } assembly
                && !SymbolEqualityComparer.Default.Equals(assembly, session.Assembly); type = type.BaseType)
        {
            if (type.GetMembers().Any(m => m switch
                {
                    IFieldSymbol field => session.IsRecurrentModule(field.Type),
                    IPropertySymbol property => session.IsRecurrentModule(property.Type),
                    _ => false,
                }))
                return true;
        }
        return false;
    }
}

/// <summary>NG2001's finding: the training loop, where its optimizer was built, and (once the block is settled) what
/// makes it risky.</summary>
public sealed class UnclippedStepMatch : Match
{
    internal UnclippedStepMatch(TrainingLoop loop, OptimizerOrigin? origin)
        : base(loop.Step)
    {
        Loop = loop;
        Origin = origin;
    }

    internal TrainingLoop Loop { get; }

    /// <summary>The optimizer's construction, and the model whose parameters it was given, where the code shows them.</summary>
    internal OptimizerOrigin? Origin { get; }

    /// <summary>What makes the loop likely to diverge, or null; set when the block's hazards are known.</summary>
    internal string? Risk { get; set; }
}

using System.Globalization;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2001: a training loop that calls <c>loss.backward()</c> and then <c>optimizer.step()</c> with no gradient
/// clipping. A warning where the loop shows a risk (a learning rate at or above the NG2003 threshold for an optimizer
/// whose step grows with the gradient, a recurrent
/// module, a loss a numerics rule flags), a suggestion otherwise, so that not every ordinary loop is a warning. The
/// optimizer's construction is followed into other methods (<see cref="OptimizerFlow"/>): the riskiest one decides.
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
        // Clipping anywhere in the loop is NG2005's business when it is misplaced, not an unclipped step; a call that
        // does not bind and may clip (half-typed code) is taken as clipping.
        if (!TrainingLoop.TryFind((IInvocationOperation)anchor, session, out var loop) || !loop.IsUnclipped
            || FiniteGradientCheck.Guards(loop.Step, session))
            yield break;
        var origins = ImmutableArray<OptimizerOrigin>.Empty;
        var complete = false;
        if (loop.Step.Instance is { } optimizer)
            origins = OptimizerOrigin.FindAll(optimizer, session, out complete);
        yield return new UnclippedStepMatch(loop, origins, complete);
    }

    internal override void Settle(UnclippedStepMatch match, Session session, Findings findings) =>
        match.Risk = Risk(match, session, findings);

    internal override DiagnosticSeverity? Severity(UnclippedStepMatch match) =>
        match.Risk is null ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning;

    internal override object?[] MessageArguments(UnclippedStepMatch match, Session session) =>
        new object?[] { match.Risk is null ? "" : " (" + match.Risk + ")", Claim(match.Origins) };

    /// <summary>
    /// Whether an optimizer's step grows with the gradient, as measured on libtorch 2.10 (tests/NanGuard.Proofs.Tests,
    /// OptimizerProofs): true for SGD (with or without momentum), ASGD and RAdam (in its first steps), whose step is the
    /// rate times the gradient, so a gradient of 1e6 moves a weight a million times further and clipping bounds it;
    /// false for Adam, AdamW, Adamax, NAdam, Adagrad, Adadelta, RMSProp and Rprop, whose step is set by the rate (Adam
    /// 1.0 lr, RMSProp 10 lr at lr 0.01) at a gradient of 1 or 1e6, clipped or not; null where not measured (LBFGS).
    /// </summary>
    internal static bool? StepGrowsWithGradient(string optimizer) => optimizer switch
    {
        "SGD" or "ASGD" or "RAdam" => true,
        "Adam" or "AdamW" or "Adamax" or "NAdam" or "Adagrad" or "Adadelta" or "RMSProp" or "Rprop" => false,
        _ => null,
    };

    /// <summary>What clipping does for the optimizers the step may read, as the runs measured it.</summary>
    private static string Claim(ImmutableArray<OptimizerOrigin> origins)
    {
        var grows = origins.Select(origin => StepGrowsWithGradient(origin.Name)).Distinct().ToArray();
        var names = origins.Select(origin => origin.Name).Distinct().ToArray();
        if (grows.Length == 1 && grows[0] == true)
            return "clipping bounds the step an exploding gradient takes, but cannot make a NaN loss or gradient finite";
        if (grows.Length == 1 && grows[0] == false)
            return string.Join(" and ", names) + ": the step is about the learning rate whatever the gradient's size, so clipping "
                + "does not bound it; what keeps the weights finite is skipping a step whose gradient is NaN or Inf";
        return "clipping bounds an exploding gradient's step for SGD, not for Adam or RMSProp, whose step is about the learning "
            + "rate; skipping a step whose gradient is NaN or Inf keeps the weights finite for all";
    }

    internal override ImmutableDictionary<string, string?>? Properties(UnclippedStepMatch match, Session session) =>
        ImmutableDictionary<string, string?>.Empty.Add(
            MaxNormProperty, NanGuardOptions.ToLiteral(NanGuardOptions.MaxNorm(session.Options, match.Anchor.Syntax.SyntaxTree)));

    internal override IEnumerable<Location> AdditionalLocations(UnclippedStepMatch match) =>
        new[] { match.Loop.Backward.Syntax.GetLocation() };

    /// <summary>What makes this loop likely to diverge, in words for the message, or null for an ordinary loop.</summary>
    private static string? Risk(UnclippedStepMatch match, Session session, Findings findings)
    {
        var loop = match.Loop;
        // Where the optimizer may come from several constructions (a method called with different optimizers), the
        // riskiest one decides: the highest learning rate against its threshold, then a recurrent model.
        OptimizerOrigin? fastest = null;
        var highest = 0.0;
        foreach (var origin in match.Origins)
        {
            // A high rate makes an unclipped step risky only where clipping bounds the step (OptimizerProofs): for
            // Adam or RMSProp the step is about the rate whatever the gradient, and the rate is NG2003's finding.
            if (origin.LearningRate is not { } lr || StepGrowsWithGradient(origin.Name) == false)
                continue;
            if (NanGuardOptions.LearningRateThreshold(session.Options, loop.Step.Syntax.SyntaxTree, origin.Name) is not { } threshold)
                continue;
            var ratio = lr / threshold;
            if (ratio >= 1 && ratio > highest)
                (fastest, highest) = (origin, ratio);
        }
        if (fastest is not null)
        {
            var risk = string.Format(CultureInfo.InvariantCulture, "{0} at learning rate {1}", fastest.Name, fastest.LearningRate);
            return fastest.BuiltElsewhereThan(loop.Step) is { } where ? risk + ", built in " + where : risk;
        }
        if (match.Origins.Any(origin => origin.Module is { } module && HoldsRecurrentModule(module.Type, session)))
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
    internal UnclippedStepMatch(TrainingLoop loop, ImmutableArray<OptimizerOrigin> origins, bool complete)
        : base(loop.Step)
    {
        Loop = loop;
        Origins = origins;
        Origin = complete && origins.Length == 1 ? origins[0] : null;
    }

    internal TrainingLoop Loop { get; }

    /// <summary>
    /// The optimizer's construction, and the model whose parameters it was given, where the code shows exactly one
    /// and nothing else reaches the step (what the fix reads the model from).
    /// </summary>
    internal OptimizerOrigin? Origin { get; }

    /// <summary>Every construction the step's optimizer may come from, in this method or another (the risk weighs them all).</summary>
    internal ImmutableArray<OptimizerOrigin> Origins { get; }

    /// <summary>What makes the loop likely to diverge, or null; set when the block's hazards are known.</summary>
    internal string? Risk { get; set; }
}

/// <summary>
/// A step taken only under a condition that checks the gradients for NaN or Inf: the cure NG2001 recommends for every
/// optimizer, written by hand (a GradScaler's <c>if (!scaler.CheckGradientsForInfNan(...)) optimizer.step(); else
/// scaler.SkipStep(...)</c>). The condition, or a local it reads that was assigned in the same member, calls
/// <c>isnan</c>, <c>isinf</c> or <c>isfinite</c> on a gradient (<c>.grad</c>), or calls a method of the project's own
/// whose body does. Either branch counts: which one a check's result means is in its name, not its code.
/// </summary>
internal static class FiniteGradientCheck
{
    private static readonly string[] Checks = { "isnan", "isinf", "isfinite", "isposinf", "isneginf" };

    public static bool Guards(IInvocationOperation step, Session session)
    {
        var member = step.Syntax.Ancestors().FirstOrDefault(n => n is MemberDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
        if (member is null || step.SemanticModel is not { } model)
            return false;
        foreach (var branch in step.Syntax.Ancestors().TakeWhile(n => n != member).OfType<IfStatementSyntax>())
        {
            if (branch.Condition.Span.Contains(step.Syntax.Span))
                continue;
            if (ChecksGradients(branch.Condition, model, session)
                || branch.Condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name =>
                    model.GetSymbolInfo(name).Symbol is ILocalSymbol local && AssignedIn(local, member).Any(value => ChecksGradients(value, model, session))))
                return true;
        }
        return false;
    }

    // The values a local is given in the member: its initializer and its simple assignments.
    private static IEnumerable<ExpressionSyntax> AssignedIn(ILocalSymbol local, SyntaxNode member)
    {
        foreach (var node in member.DescendantNodes())
        {
            if (node is VariableDeclaratorSyntax { Initializer.Value: { } initial } declarator && declarator.Identifier.ValueText == local.Name)
                yield return initial;
            else if (node is AssignmentExpressionSyntax { Left: IdentifierNameSyntax target } assignment && target.Identifier.ValueText == local.Name)
                yield return assignment.Right;
        }
    }

    private static bool ChecksGradients(SyntaxNode expression, SemanticModel model, Session session)
    {
        foreach (var call in expression.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method)
                continue;
            if (Checks.Contains(method.Name) && session.IsOp(method, method.Name) && ReadsGradient(call))
                return true;
            if (method.OriginalDefinition.DeclaringSyntaxReferences is { Length: 1 } declarations
                && !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, session.Assembly)
                && declarations[0].GetSyntax() is BaseMethodDeclarationSyntax body && BodyChecksGradients(body))
                return true;
        }
        return false;
    }

    // A method's own text: a finiteness check and a gradient read (param.grad) in it. Read off the syntax, once per
    // method asked about, and only for a method called in the condition around a step.
    private static bool BodyChecksGradients(BaseMethodDeclarationSyntax method) =>
        method.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call => Name(call) is { } name && Checks.Contains(name))
        && method.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Any(access => access.Name.Identifier.ValueText == "grad");

    private static bool ReadsGradient(InvocationExpressionSyntax call) =>
        call.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Any(access => access.Name.Identifier.ValueText == "grad");

    private static string? Name(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        IdentifierNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };
}


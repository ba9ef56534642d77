using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2003: an Adam/AdamW <c>lr</c> (SGD <c>learningRate</c>) literal at or above <c>nanguard.NG2003.lr_threshold</c>,
/// for an optimizer that a training loop steps with no gradient clipping. Reported on the learning rate, once, where
/// the optimizer is kept in a local, field or property whose steps the file shows.
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
        if (lr >= threshold && HeldIn(construction) is { } holder && IsSteppedUnclipped(holder, construction, session))
            yield return new HighLearningRateMatch(construction, argument.Value, threshold);
    }

    internal override object?[] MessageArguments(HighLearningRateMatch match, Session session) =>
        new object?[] { match.Reported.Syntax.ToString(), NanGuardOptions.ToLiteral(match.Threshold) };

    /// <summary>The local, field or property the new optimizer is stored in.</summary>
    private static ISymbol? HeldIn(IInvocationOperation construction) => ValueFlow.ParentValue(construction) switch
    {
        IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
        IFieldInitializerOperation { InitializedFields.Length: 1 } field => field.InitializedFields[0],
        IPropertyInitializerOperation { InitializedProperties.Length: 1 } property => property.InitializedProperties[0],
        ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } => local.Local,
        ISimpleAssignmentOperation { Target: IFieldReferenceOperation field } => field.Field,
        ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } => property.Property,
        _ => null,
    };

    /// <summary>True where some step of <paramref name="holder"/> runs in a training loop that does not clip.</summary>
    private static bool IsSteppedUnclipped(ISymbol holder, IInvocationOperation construction, Session session)
    {
        if (construction.SemanticModel is not { } model)
            return false;
        var scope = holder is ILocalSymbol
            ? construction.Syntax.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is not GlobalStatementSyntax) ?? (SyntaxNode)construction.Syntax.SyntaxTree.GetRoot()
            : holder.ContainingType.DeclaringSyntaxReferences.FirstOrDefault(r => r.SyntaxTree == model.SyntaxTree)?.GetSyntax();
        if (scope is null)
            return false;
        foreach (var access in scope.DescendantNodes().OfType<MemberAccessExpressionSyntax>())
        {
            if (access.Name.Identifier.ValueText != "step"
                || access.Parent is not InvocationExpressionSyntax invocation
                || model.GetOperation(invocation) is not IInvocationOperation step
                || step.Instance is not { } instance
                || !SymbolEqualityComparer.Default.Equals(Referenced(ValueFlow.SkipConversions(instance)), holder))
                continue;
            if (TrainingLoop.TryFind(step, session, out var loop) && loop.Clipping.IsEmpty)
                return true;
        }
        return false;
    }

    private static ISymbol? Referenced(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };
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

using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2003: an Adam/AdamW <c>lr</c> (SGD <c>learningRate</c>) literal at or above <c>nanguard.NG2003.lr_threshold</c>,
/// for an optimizer that a training loop steps with no gradient clipping. Reported on the learning rate, once, where
/// the optimizer is kept in a local, field or property whose steps the file shows.
/// </summary>
public sealed class HighLearningRateAnalyzer : NanGuardAnalyzer
{
    private static readonly ImmutableDictionary<string, string> LearningRateParameter = ImmutableDictionary.CreateRange(new[]
    {
        new System.Collections.Generic.KeyValuePair<string, string>("Adam", "lr"),
        new System.Collections.Generic.KeyValuePair<string, string>("AdamW", "lr"),
        new System.Collections.Generic.KeyValuePair<string, string>("SGD", "learningRate"),
    });

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.HighLearningRate);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        foreach (var name in LearningRateParameter.Keys)
            rules.OnInvocation(name, (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation construction, TorchSymbols symbols)
    {
        if (!TorchSymbols.Is(construction.TargetMethod.ContainingType, symbols.Optim)
            || !symbols.IsOptimizer(construction.TargetMethod.ReturnType))
            return;
        var call = new TorchCall(construction);
        var parameter = LearningRateParameter[construction.TargetMethod.Name];
        if (call.Argument(parameter) is not { } argument || call.NumberArgument(parameter) is not { } lr)
            return;
        var threshold = NanGuardOptions.LearningRateThreshold(context.Options, construction.Syntax.SyntaxTree, construction.TargetMethod.Name);
        if (lr < threshold
            || HeldIn(construction) is not { } holder
            || !IsSteppedUnclipped(holder, construction, symbols))
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.HighLearningRate,
            argument.Value.Syntax.GetLocation(),
            argument.Value.Syntax.ToString(),
            NanGuardOptions.ToLiteral(threshold)));
    }

    /// <summary>The local, field or property the new optimizer is stored in.</summary>
    private static ISymbol? HeldIn(IInvocationOperation construction)
    {
        var parent = ValueFlow.ParentValue(construction);
        return parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            IFieldInitializerOperation { InitializedFields.Length: 1 } field => field.InitializedFields[0],
            IPropertyInitializerOperation { InitializedProperties.Length: 1 } property => property.InitializedProperties[0],
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } => local.Local,
            ISimpleAssignmentOperation { Target: IFieldReferenceOperation field } => field.Field,
            ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } => property.Property,
            _ => null,
        };
    }

    /// <summary>True where some step of <paramref name="holder"/> runs in a training loop that does not clip.</summary>
    private static bool IsSteppedUnclipped(ISymbol holder, IInvocationOperation construction, TorchSymbols symbols)
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
            if (TrainingLoop.TryFind(step, symbols, out var loop) && loop.Clipping.IsEmpty)
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

using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2001: a training loop that calls <c>loss.backward()</c> and then <c>optimizer.step()</c> with no gradient
/// clipping. A warning where the loop shows a risk (a learning rate at or above the NG2003 threshold, a recurrent
/// module, a loss a numerics rule flags), a suggestion otherwise, so that not every ordinary loop is a warning.
/// </summary>
public sealed class UnclippedStepAnalyzer : NanGuardAnalyzer
{
    /// <summary>Diagnostic property: the max norm the fix writes, from <c>nanguard.NG2001.max_norm</c>.</summary>
    public const string MaxNormProperty = "MaxNorm";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.UnclippedStep);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("step", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation step, TorchSymbols symbols)
    {
        // Clipping anywhere in the loop is NG2005's business when it is misplaced, not an unclipped step.
        if (!TrainingLoop.TryFind(step, symbols, out var loop) || !loop.Clipping.IsEmpty)
            return;

        var tree = step.Syntax.SyntaxTree;
        var risk = Risk(loop, symbols, context.Options, tree);
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(MaxNormProperty, NanGuardOptions.ToLiteral(NanGuardOptions.MaxNorm(context.Options, tree)));
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.UnclippedStep,
            step.Syntax.GetLocation(),
            risk is null ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning,
            additionalLocations: new[] { loop.Backward.Syntax.GetLocation() },
            properties,
            risk is null ? "" : " (" + risk + ")"));
    }

    /// <summary>What makes this loop likely to diverge, in words for the message, or null for an ordinary loop.</summary>
    private static string? Risk(TrainingLoop loop, TorchSymbols symbols, AnalyzerOptions options, SyntaxTree tree)
    {
        var origin = loop.Step.Instance is { } optimizer ? OptimizerOrigin.Find(optimizer, symbols) : null;
        if (origin?.LearningRate is { } lr && lr >= NanGuardOptions.LearningRateThreshold(options, tree, origin.Name))
            return string.Format(CultureInfo.InvariantCulture, "{0} at learning rate {1}", origin.Name, lr);
        if (origin?.Module is { } module && HoldsRecurrentModule(module.Type, symbols))
            return "the model has a recurrent layer";
        if (loop.Backward.Instance is { } loss && NumericHazards.Find(loss, symbols) is { } hazard)
            return "the loss is numerically unstable, " + hazard;
        return null;
    }

    private static bool HoldsRecurrentModule(ITypeSymbol? model, TorchSymbols symbols)
    {
        if (symbols.IsRecurrentModule(model))
            return true;
        if (model is null || !symbols.IsModule(model))
            return false;
        for (var type = model; type is not null && type.ContainingAssembly is { } assembly
                && !SymbolEqualityComparer.Default.Equals(assembly, symbols.Assembly); type = type.BaseType)
        {
            if (type.GetMembers().Any(m => m switch
                {
                    IFieldSymbol field => symbols.IsRecurrentModule(field.Type),
                    IPropertySymbol property => symbols.IsRecurrentModule(property.Type),
                    _ => false,
                }))
                return true;
        }
        return false;
    }
}

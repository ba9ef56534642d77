using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG3001: <c>torch.clamp_min_(t, e);</c> / <c>torch.clamp_max_(t, e);</c> as a statement. Despite the underscore,
/// TorchSharp's static forms call the non-in-place op: the clamped tensor is discarded and <c>t</c> is unchanged.
/// A call whose result is used is the ordinary clamp and is not reported.
/// </summary>
public sealed class StaticClampNotInPlaceAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.StaticClampNotInPlace);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("clamp_min_", (context, invocation) => Analyze(context, invocation, symbols));
        rules.OnInvocation("clamp_max_", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        var method = invocation.TargetMethod;
        if (!method.IsStatic || !TorchSymbols.Is(method.ContainingType, symbols.Torch) || !IsResultDiscarded(invocation))
            return;
        var input = new TorchCall(invocation).Input;
        var receiver = input?.Syntax is { } syntax && syntax.Span.Length <= 30 ? syntax.ToString() : "t";
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.StaticClampNotInPlace,
            invocation.Syntax.GetLocation(),
            method.Name,
            receiver + "." + method.Name + "(...)"));
    }

    /// <summary>True for <c>torch.clamp_min_(t, e);</c> and <c>_ = torch.clamp_min_(t, e);</c>.</summary>
    public static bool IsResultDiscarded(IInvocationOperation invocation) =>
        invocation.Parent is IExpressionStatementOperation
        || invocation.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation, Parent: IExpressionStatementOperation };
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1010: <c>torch.sqrt((x * x).sum(d))</c>, <c>x.pow(2).sum(d).sqrt()</c>, <c>.pow(0.5)</c> of such a sum: the gradient
/// of sqrt at 0 is inf, where a norm's backward is 0.
/// </summary>
public sealed class SqrtOfSumOfSquaresAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.SqrtOfSumOfSquares);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("sqrt", (context, invocation) => Analyze(context, invocation, symbols));
        rules.OnInvocation("pow", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (!NumericPatterns.IsSqrtOfSumOfSquares(new TorchCall(invocation), symbols, out _, out _))
            return;
        var replacement = invocation.Instance is null ? "torch.linalg.vector_norm(x, 2, dims, keepdim)" : "x.norm(dim, keepdim)";
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.SqrtOfSumOfSquares, invocation.Syntax.GetLocation(), replacement));
    }
}

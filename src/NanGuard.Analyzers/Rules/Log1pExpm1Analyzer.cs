using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1008: <c>torch.log(1 + x)</c> and <c>torch.exp(x) - 1</c>, which lose precision near 0.</summary>
public sealed class Log1pExpm1Analyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.Log1pExpm1);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("log", (context, invocation) => AnalyzeLog(context, invocation, symbols));
        rules.OnTensorOperator(BinaryOperatorKind.Subtract, (context, subtraction) => AnalyzeExp(context, subtraction, symbols));
    }

    private static void AnalyzeLog(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        var log = new TorchCall(invocation);
        if (!ExpLogPatterns.IsLogOfOnePlus(log, symbols, out _)
            // log(1 + exp(x)) is NG1007's: softplus fixes the overflow, which log1p would not.
            || ExpLogPatterns.IsLogOfOnePlusExp(log, symbols, out _))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.Log1pExpm1, invocation.Syntax.GetLocation(), "log(1 + x)", "log1p(x)"));
    }

    private static void AnalyzeExp(OperationAnalysisContext context, IBinaryOperation subtraction, TorchSymbols symbols)
    {
        if (ExpLogPatterns.IsExpMinusOne(subtraction, symbols, out _))
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.Log1pExpm1, subtraction.Syntax.GetLocation(), "exp(x) - 1", "expm1(x)"));
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1006: the hand-written softmax <c>torch.exp(x) / torch.exp(x).sum(d, keepdim: true)</c>.</summary>
public sealed class HandWrittenSoftmaxAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.HandWrittenSoftmax);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnTensorOperator(BinaryOperatorKind.Divide, (context, division) => Analyze(context, division, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IBinaryOperation division, TorchSymbols symbols)
    {
        if (ExpLogPatterns.IsHandWrittenSoftmax(division, symbols, out _, out _))
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.HandWrittenSoftmax, division.Syntax.GetLocation()));
    }
}

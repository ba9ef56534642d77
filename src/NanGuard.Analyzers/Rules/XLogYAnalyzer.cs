using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1009: the entropy term <c>p * torch.log(p)</c> and <c>y * torch.log(p)</c> over a probability normalised by hand,
/// which are <c>0 * -inf = NaN</c> where p is 0. A log of a softmax or sigmoid is left to NG1001/NG1002/NG1003,
/// whose fixes remove the -inf.
/// </summary>
public sealed class XLogYAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.XLogY);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnTensorOperator(BinaryOperatorKind.Multiply, (context, product) => Analyze(context, product, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IBinaryOperation product, TorchSymbols symbols)
    {
        if (NumericPatterns.IsXLogY(product, symbols, out _, out _))
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.XLogY, product.Syntax.GetLocation()));
    }
}

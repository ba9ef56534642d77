using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1011: <c>x / x.norm(d, keepdim: true)</c> and the hand-written cosine <c>(a * b).sum(d) / (a.norm(d) * b.norm(d))</c>,
/// which are 0 / 0 for a zero vector; <c>F.normalize</c> and <c>F.cosine_similarity</c> clamp the norm with an eps.
/// </summary>
public sealed class DivisionByNormAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DivisionByNorm);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnTensorOperator(BinaryOperatorKind.Divide, (context, quotient) => Analyze(context, quotient, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IBinaryOperation quotient, TorchSymbols symbols)
    {
        if (!NormPatterns.IsDivisionByNorm(quotient, symbols, out var match))
            return;
        var replacement = match.IsCosine ? "F.cosine_similarity(a, b, d)" : "F.normalize(x, 2.0, d)";
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.DivisionByNorm, quotient.Syntax.GetLocation(), replacement));
    }
}

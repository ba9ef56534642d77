using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1013: a division by the sum of a mask, a comparison, a relu or an abs, which is 0 when every term is. The bound
/// the fix clamps the divisor with travels in the "bound" property: 1 for a count, <c>nanguard.eps</c> otherwise.
/// </summary>
public sealed class DivisionByZeroableSumAnalyzer : NanGuardAnalyzer
{
    /// <summary>The diagnostic property holding the literal the fix passes to clamp_min.</summary>
    public const string BoundProperty = "bound";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DivisionByZeroableSum);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnTensorOperator(BinaryOperatorKind.Divide, (context, quotient) => Analyze(context, quotient, symbols));
    }

    /// <summary>The divisor is a sum of terms that can all be 0; <paramref name="isCount"/> where they count something.</summary>
    internal static bool IsDivisionByZeroableSum(IBinaryOperation quotient, TorchSymbols symbols, out string terms, out bool isCount)
    {
        terms = "";
        isCount = false;
        return NumericPatterns.IsTensor(quotient.RightOperand, symbols)
            && TorchPatterns.IsOp(quotient.RightOperand, symbols, "sum", out var sum)
            && sum.Input is { } summed
            && NumericPatterns.ZeroableTerms(summed, symbols, out isCount) is { } found
            && (terms = found) is not null;
    }

    private static void Analyze(OperationAnalysisContext context, IBinaryOperation quotient, TorchSymbols symbols)
    {
        if (!IsDivisionByZeroableSum(quotient, symbols, out var terms, out var isCount))
            return;
        var bound = isCount ? "1" : NanGuardOptions.ToLiteral(NanGuardOptions.Eps(context.Options, quotient.Syntax.SyntaxTree));
        var properties = ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, bound);
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.DivisionByZeroableSum, quotient.Syntax.GetLocation(), properties, terms, "clamp_min(" + bound + ")"));
    }
}

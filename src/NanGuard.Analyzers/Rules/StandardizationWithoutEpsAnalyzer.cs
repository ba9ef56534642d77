using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1012: <c>(x - x.mean(...)) / x.std(...)</c> with no epsilon; the fix's eps travels in the "eps" property.</summary>
public sealed class StandardizationWithoutEpsAnalyzer : NanGuardAnalyzer
{
    /// <summary>The diagnostic property holding the eps literal the fix writes.</summary>
    public const string EpsProperty = "eps";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.StandardizationWithoutEps);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnTensorOperator(BinaryOperatorKind.Divide, (context, quotient) => Analyze(context, quotient, symbols));
    }

    /// <summary>True for <c>(x - x.mean(...)) / x.std(...)</c>, however written.</summary>
    internal static bool IsStandardization(IBinaryOperation quotient, TorchSymbols symbols) =>
        TorchPatterns.IsOp(quotient.RightOperand, symbols, "std", out var std)
        && std.Input is { } x
        && ValueFlow.Peek(quotient.LeftOperand) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } centred
        && symbols.IsOperator(centred.OperatorMethod)
        && ValueFlow.Confirms(quotient.LeftOperand, centred)
        && ValueFlow.SameValue(centred.LeftOperand, x)
        && TorchPatterns.IsOp(centred.RightOperand, symbols, "mean", out var mean)
        && mean.Input is { } meanInput
        && ValueFlow.SameValue(meanInput, x);

    private static void Analyze(OperationAnalysisContext context, IBinaryOperation quotient, TorchSymbols symbols)
    {
        if (!IsStandardization(quotient, symbols))
            return;
        var eps = NanGuardOptions.ToLiteral(NanGuardOptions.Eps(context.Options, quotient.Syntax.SyntaxTree));
        var properties = ImmutableDictionary<string, string?>.Empty.Add(EpsProperty, eps);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.StandardizationWithoutEps, quotient.Syntax.GetLocation(), properties));
    }
}

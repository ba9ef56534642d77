using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG3002: a tensor compared with a NaN constant: <c>t == double.NaN</c>, <c>t != float.NaN</c>, <c>t.eq(double.NaN)</c>,
/// <c>t.ne(...)</c>. NaN equals nothing, so the result is all false (or all true for !=).
/// </summary>
public sealed class CompareWithNaNAnalyzer : NanGuardAnalyzer
{
    /// <summary>Diagnostic property, present for != and ne: the comparison is negated.</summary>
    public const string NegatedProperty = "Negated";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.CompareWithNaN);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnTensorOperator(BinaryOperatorKind.Equals, (context, binary) => AnalyzeOperator(context, binary, symbols));
        rules.OnTensorOperator(BinaryOperatorKind.NotEquals, (context, binary) => AnalyzeOperator(context, binary, symbols));
        rules.OnInvocation("eq", (context, invocation) => AnalyzeCall(context, invocation, symbols, negated: false));
        rules.OnInvocation("ne", (context, invocation) => AnalyzeCall(context, invocation, symbols, negated: true));
    }

    private static void AnalyzeOperator(OperationAnalysisContext context, IBinaryOperation binary, TorchSymbols symbols)
    {
        if (TensorComparedWithNaN(binary, symbols) is not null)
            Report(context, binary, binary.OperatorKind == BinaryOperatorKind.NotEquals);
    }

    private static void AnalyzeCall(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols, bool negated)
    {
        if (TensorComparedWithNaN(invocation, symbols) is not null)
            Report(context, invocation, negated);
    }

    /// <summary>The tensor operand of <c>t == NaN</c>, <c>NaN != t</c>, <c>t.eq(NaN)</c> or <c>t.ne(NaN)</c>; otherwise null.</summary>
    internal static IOperation? TensorComparedWithNaN(IOperation comparison, TorchSymbols symbols)
    {
        switch (comparison)
        {
            case IBinaryOperation binary:
                if (IsNaN(binary.RightOperand) && symbols.IsTensor(ValueFlow.SkipConversions(binary.LeftOperand).Type))
                    return ValueFlow.SkipConversions(binary.LeftOperand);
                if (IsNaN(binary.LeftOperand) && symbols.IsTensor(ValueFlow.SkipConversions(binary.RightOperand).Type))
                    return ValueFlow.SkipConversions(binary.RightOperand);
                return null;
            case IInvocationOperation invocation
                when symbols.IsOp(invocation.TargetMethod, "eq") || symbols.IsOp(invocation.TargetMethod, "ne"):
                var call = new TorchCall(invocation);
                if (call.Input is not { } input || !symbols.IsTensor(input.Type))
                    return null;
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.ArgumentKind != ArgumentKind.DefaultValue && ValueFlow.SkipConversions(argument.Value) != input && IsNaN(argument.Value))
                        return input;
                }
                return null;
            default:
                return null;
        }
    }

    private static bool IsNaN(IOperation operand) =>
        ValueFlow.Peek(operand) is { ConstantValue: { HasValue: true, Value: double.NaN or float.NaN } } candidate
        && ValueFlow.Confirms(operand, candidate);

    private static void Report(OperationAnalysisContext context, IOperation comparison, bool negated)
    {
        var properties = negated
            ? ImmutableDictionary<string, string?>.Empty.Add(NegatedProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.CompareWithNaN,
            comparison.Syntax.GetLocation(),
            properties,
            negated ? "true" : "false",
            negated ? "isnan() and negate it" : "isnan()"));
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1014: <c>torch.log(v)</c> where v is a relu, an abs, a mask or <c>1 - p</c> (log(0) = -inf), and <c>torch.acos</c> /
/// <c>asin</c> of a cosine similarity (an infinite gradient at +-1). A log NG1001, NG1003 or NG1009 reports is left to
/// them. The bound the fix clamps with travels in the "bound" property.
/// </summary>
public sealed class LogOfZeroableAnalyzer : NanGuardAnalyzer
{
    /// <summary>The diagnostic property holding the eps literal the fix clamps with.</summary>
    public const string BoundProperty = "bound";

    /// <summary>
    /// The smallest distance from +-1 the acos/asin fix clamps to: 1 - 1e-8 rounds to 1.0 in float32, where the
    /// clamp would do nothing; 1 - 1e-7 stays below 1.
    /// </summary>
    public const double MinInverseCosineBound = 1e-7;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.LogOfZeroable);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("log", (context, invocation) => Analyze(context, invocation, symbols));
        rules.OnInvocation("acos", (context, invocation) => Analyze(context, invocation, symbols));
        rules.OnInvocation("asin", (context, invocation) => Analyze(context, invocation, symbols));
    }

    /// <summary>A log of terms that can be 0 (<paramref name="terms"/> names them), that no other rule reports.</summary>
    internal static bool IsLogOfZeroable(TorchCall log, TorchSymbols symbols, out string terms)
    {
        terms = "";
        if (!symbols.IsOp(log.Method, "log") || log.Input is not { } input || NumericPatterns.IsLogCoveredElsewhere(log, symbols))
            return false;
        var found = NumericPatterns.ZeroableTerms(input, symbols, out _) ?? (IsOneMinus(input, symbols) ? "1 - p" : null);
        if (found is null || IsReportedByXLogY(log.Invocation, symbols))
            return false;
        terms = found;
        return true;
    }

    /// <summary><c>torch.acos(c)</c> / <c>c.asin()</c> where c is a cosine similarity.</summary>
    internal static bool IsInverseCosineOfSimilarity(TorchCall call, TorchSymbols symbols) =>
        (symbols.IsOp(call.Method, "acos") || symbols.IsOp(call.Method, "asin"))
        && call.Input is { } input
        && TorchPatterns.IsOp(input, symbols, "cosine_similarity", out _);

    private static bool IsOneMinus(IOperation operation, TorchSymbols symbols) =>
        ValueFlow.Peek(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference
        && symbols.IsOperator(difference.OperatorMethod)
        && NumericPatterns.Constant(difference.LeftOperand) == 1
        && ValueFlow.Confirms(operation, difference);

    // NG1009 reports the product p * log(p), also where the log reaches it through a local: one finding per log.
    private static bool IsReportedByXLogY(IInvocationOperation log, TorchSymbols symbols)
    {
        var root = (IOperation)log;
        while (root.Parent is { } parent)
            root = parent;
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product
                && NumericPatterns.IsXLogY(product, symbols, out _, out var reported)
                && reported.Invocation == log)
                return true;
        }
        return false;
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        var call = new TorchCall(invocation);
        var eps = NanGuardOptions.Eps(context.Options, invocation.Syntax.SyntaxTree);
        string terms, boundary, op;
        double bound;
        if (IsInverseCosineOfSimilarity(call, symbols))
        {
            (terms, boundary, op) = ("a cosine similarity", "+-1", "the gradient of " + invocation.TargetMethod.Name);
            bound = System.Math.Max(eps, MinInverseCosineBound);
        }
        else if (IsLogOfZeroable(call, symbols, out terms))
        {
            (boundary, op) = ("0", "log");
            bound = eps;
        }
        else
        {
            return;
        }
        var properties = ImmutableDictionary<string, string?>.Empty.Add(BoundProperty, NanGuardOptions.ToLiteral(bound));
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.LogOfZeroable, invocation.Syntax.GetLocation(), properties, terms, boundary, op));
    }
}

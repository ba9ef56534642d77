using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1003: <c>torch.log(torch.sigmoid(x))</c> and <c>torch.log(1 - torch.sigmoid(x))</c>, in every spelling.</summary>
public sealed class LogOfSigmoidAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.LogOfSigmoid);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("log", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (!ExpLogPatterns.IsLogOfSigmoid(new TorchCall(invocation), symbols, out var sigmoid, out var complement)
            // NG1004 reports the hand-written binary cross entropy these logs are part of, with a fix for the whole loss.
            || BinaryCrossEntropyMatcher.IsPartOfHandWritten(invocation, symbols))
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.LogOfSigmoid,
            invocation.Syntax.GetLocation(),
            complement ? "1 - sigmoid(x)" : "sigmoid(x)",
            Replacement(sigmoid, complement)));
    }

    /// <summary>What the fix writes, for the message: the form follows the sigmoid the user wrote.</summary>
    private static string Replacement(TorchCall sigmoid, bool complement) =>
        (sigmoid.IsInstanceForm, complement) switch
        {
            (true, false) => "x.log_sigmoid()",
            (true, true) => "(-x).log_sigmoid()",
            (false, false) => "F.logsigmoid(x)",
            (false, true) => "F.logsigmoid(-x)",
        };
}

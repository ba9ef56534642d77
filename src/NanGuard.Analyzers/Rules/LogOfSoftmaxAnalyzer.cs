using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1001: <c>torch.log(F.softmax(x, d))</c> and every other spelling of the log of a softmax.</summary>
public sealed class LogOfSoftmaxAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.LogOfSoftmax);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("log", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        var log = new TorchCall(invocation);
        if (!TorchPatterns.IsLogOfSoftmax(log, symbols, out var softmax)
            || CrossEntropyMatcher.IsPartOfCrossEntropy(invocation, symbols))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.LogOfSoftmax, invocation.Syntax.GetLocation(), Replacement(softmax)));
    }

    /// <summary>What the fix writes, for the message: the form follows the softmax the user wrote.</summary>
    private static string Replacement(TorchCall softmax) =>
        softmax.Has("dtype") ? "torch.special.log_softmax(x, dim, dtype)"
        : softmax.IsInstanceForm ? "x.log_softmax(dim)"
        : "F.log_softmax(x, dim)";
}

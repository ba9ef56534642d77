using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1005: <c>torch.log(torch.exp(x).sum(d))</c>, <c>x.exp().sum(d).log()</c> and every other spelling.</summary>
public sealed class LogSumExpAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.LogSumExp);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("log", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (ExpLogPatterns.IsLogOfSumOfExp(new TorchCall(invocation), symbols, out _, out _))
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.LogSumExp, invocation.Syntax.GetLocation()));
    }
}
